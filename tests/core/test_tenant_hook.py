"""The tenant-statement hook records what application code sends to a tenant table without its
partner, ignores what a test sends itself, honours only the allowed cross-partner scopes, and
fails the test (tests/core/tenant_hook.py). Runs on either database: the recorder is attached
to this test's engine by hand."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, text

from app.models.partners.enums import PrincipalKind, Role
from app.services.core import cross_partner
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from tests.core import tenant_hook
from tests.core.tenant_hook import APP_ROOT, Recorder

SCOPED_MODULES = (
    "app.demo.seed",
    "app.services.partners.tokens",
    "app.services.funds.verify",
    "app.services.consumption.verify",
    "app.services.coupons.verify",
)
UNPINNED = "SELECT orders.id FROM orders WHERE orders.id = 0"
PINNED = "SELECT orders.id FROM orders WHERE orders.partner_id = 0 AND orders.id = 0"

# A coroutine whose code lives under app/services, as a service's would.
_SOURCE = "async def issue(session, sql):\n    return await session.execute(text(sql))\n"
_APP_FILE = str(APP_ROOT / "services" / "example_service.py")
_CODE: dict[str, Any] = {"text": text}
exec(compile(_SOURCE, _APP_FILE, "exec"), _CODE)
app_issue = _CODE["issue"]


@pytest.fixture
def recorder(database: Any) -> Iterator[Recorder]:
    recorder = Recorder(dialect=None)  # whichever database the suite runs on
    with tenant_hook.noting_callers():
        event.listen(database.engine.sync_engine, "before_cursor_execute", recorder)
        yield recorder
        event.remove(database.engine.sync_engine, "before_cursor_execute", recorder)
    # On PostgreSQL the suite's own recorder saw the example statements too: they are this
    # test's subject, not findings of it.
    suite = tenant_hook.RECORDER
    suite.findings = [f for f in suite.findings if "example_service.py" not in f.site]


async def test_an_unpinned_app_statement_is_recorded_with_its_call_site(
    session: Any, recorder: Recorder
) -> None:
    await app_issue(session, UNPINNED)
    [finding] = recorder.findings
    assert finding.tables == ("orders",)
    assert finding.statement == UNPINNED
    assert finding.site == "app/services/example_service.py:2 (issue)"


async def test_a_pinned_app_statement_is_not(session: Any, recorder: Recorder) -> None:
    await app_issue(session, PINNED)
    assert recorder.findings == []


async def test_what_a_test_sends_itself_is_not_checked(session: Any, recorder: Recorder) -> None:
    await session.execute(text(UNPINNED))
    assert recorder.findings == []


async def test_an_allowed_scope_lets_it_through(session: Any, recorder: Recorder) -> None:
    with cross_partner.cross_partner(cross_partner.PLATFORM_CONSOLE):
        await app_issue(session, UNPINNED)
    assert recorder.findings == []
    await app_issue(session, UNPINNED)  # and only while it lasts
    assert len(recorder.findings) == 1


async def test_a_scope_not_allowed_does_not(session: Any, recorder: Recorder) -> None:
    scope = cross_partner.register("example-not-allowed", "a scope the hook does not allow")
    try:
        with cross_partner.cross_partner(scope):
            await app_issue(session, UNPINNED)
    finally:
        del cross_partner.SCOPES[scope]
    [finding] = recorder.findings
    assert finding.scopes == (scope,)
    assert "in scopes example-not-allowed" in str(finding)


async def test_a_platform_context_on_the_stack_counts_as_the_console(
    session: Any, recorder: Recorder
) -> None:
    code = compile(
        "async def service(ctx, issue):\n    await issue(ctx.session, SQL)\n", _APP_FILE, "exec"
    )
    scope: dict[str, Any] = {"SQL": UNPINNED}
    exec(code, scope)
    await scope["service"](ServiceContext(session, Principal.system()), app_issue)
    assert recorder.findings == []
    partner = Principal(kind=PrincipalKind.PARTNER_USER, partner_id=1, role=Role.ADMIN)
    await scope["service"](ServiceContext(session, partner), app_issue)
    assert len(recorder.findings) == 1


async def test_a_decorated_coroutine_runs_in_its_scope(session: Any, recorder: Recorder) -> None:
    @cross_partner.cross_partner(cross_partner.PLATFORM_CONSOLE)
    async def sweep() -> None:
        assert cross_partner.active() == (cross_partner.PLATFORM_CONSOLE,)
        await app_issue(session, UNPINNED)

    await sweep()
    assert cross_partner.active() == ()
    assert recorder.findings == []


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown cross-partner scope"):
        cross_partner.cross_partner("no-such-scope")


def test_every_job_runs_in_an_allowed_scope_and_every_allowed_scope_exists() -> None:
    from app.services.core.jobs import load_registry

    for module in SCOPED_MODULES:  # their import registers their scopes
        importlib.import_module(module)
    jobs = {f"{cross_partner.JOB_PREFIX}{name}" for name in load_registry()}
    assert jobs <= set(tenant_hook.ALLOWED)
    assert set(tenant_hook.ALLOWED) <= set(cross_partner.SCOPES)


def test_no_partner_or_customer_scope_is_allowed() -> None:
    allowed = set(tenant_hook.ALLOWED)
    jobs = {s for s in allowed if s.startswith(cross_partner.JOB_PREFIX)}
    others = {
        cross_partner.PLATFORM_CONSOLE,
        "authentication",
        "demo.seed",
        "funds.verify",
        "consumption.verify",
        "coupons.verify",
    }
    assert allowed - jobs == others


class _Request:
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.node = SimpleNamespace(nodeid="tests/example.py::test_example")

    def getfixturevalue(self, name: str) -> Recorder:
        return self.recorder


def test_the_fixture_fails_the_test_at_teardown_listing_what_it_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TENANT_HOOK_REPORT", raising=False)
    recorder = Recorder()
    checking = tenant_hook.checked(_Request(recorder))  # type: ignore[arg-type]
    next(checking)
    recorder.findings.append(
        tenant_hook.Finding(UNPINNED, ("orders",), "app/services/x.py:1 (f)", ())
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        next(checking)
    assert "1 statement(s) reach a tenant table without partner_id" in str(failed.value)
    assert "app/services/x.py:1 (f): orders unpinned in" in str(failed.value)
    assert UNPINNED in str(failed.value)


def test_the_fixture_passes_a_clean_test() -> None:
    recorder = Recorder()
    checking = tenant_hook.checked(_Request(recorder))  # type: ignore[arg-type]
    next(checking)
    with pytest.raises(StopIteration):
        next(checking)
