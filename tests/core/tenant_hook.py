"""The PostgreSQL suite fails a test whose application code reaches a partner's table without
naming the partner.

`Recorder` listens to `before_cursor_execute` on every engine. A statement counts when
application code issued it: a frame under `app/` (other than `app/db.py`, the unit of work,
`app/models/` and `app/migrate.py`) is on the stack -- the stack of the greenlet SQLAlchemy
runs the statement in, then of the task that awaits it. What a test runs itself to arrange or
check its data is not checked. A counted statement whose tenant tables
(`tests.core.tenant_statements`) are not all pinned to a partner is recorded unless it runs
inside a cross-partner scope named in `ALLOWED`; the test then fails at teardown with the
statement, its unpinned tables and the application frame that issued it.

`SerializedSession` runs each statement in a task of its own, whose stack starts in `app/db.py`;
while the suite listens, `run_statement` notes its caller's application frame (`CALLER`, which
the statement's task inherits) and the recorder falls back to it.

A service a test calls directly with a PLATFORM context (`ctx` of an application frame on the
stack) counts as in `platform-console`: the endpoint would have entered it for that caller.

`tests/conftest.py` turns it on when `TEST_DATABASE_URL` is a PostgreSQL URL.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import greenlet
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import app
from app.db import SerializedSession
from app.models.core.distribution import TABLES, Placement
from app.models.partners.enums import PrincipalKind
from app.services.core import cross_partner
from app.services.core.context import ServiceContext
from tests.core.tenant_statements import unpinned

TENANT_TABLES = frozenset(t for t, (kind, _) in TABLES.items() if kind == Placement.TENANT)

# The cross-partner scopes whose statements may leave the partner unnamed, each with why.
ALLOWED: dict[str, str] = {
    cross_partner.PLATFORM_CONSOLE: "the vendor's console reads and reviews across partners",
    "authentication": "a request's token is read before its partner is known; its user is "
    "joined by id until tokens and partner users are split (docs/operations.md > Sharding)",
    "demo.seed": "seed-demo (an operator's command) builds every demo partner's data",
    "funds.verify": "recomputes every partner's balances from the ledger (the books check)",
    "consumption.verify": "checks every partner's consumption against the ledger",
    "coupons.verify": "checks every partner's coupon quota books",
    "job:coupons.expire": "expires every partner's lapsed coupons and coupon quotas",
    "job:consumption.rate": "rates every partner's pending usage",
    "job:consumption.purge": "purges every partner's details past retention",
    "job:funds.arrears-resources": "stops every partner's resources left in arrears",
    "job:funds.withdrawals-overdue": "flags every partner's overdue withdrawals",
    "job:orders.close-unpaid": "closes every partner's orders left unpaid",
    "job:resources.expire": "expires every partner's resources at their end",
    "job:partners.certification": "re-checks every partner's certification",
    "job:idempotency.purge-expired": "purges expired keys of every caller",
    "job:registrations.expire": "expires every partner's lapsed registrations",
    "job:registrations.remind": "reminds every partner of registrations about to lapse",
    "job:invitations.expire": "expires every partner's lapsed invitations",
    "job:association_changes.expire": "expires every partner's lapsed association changes",
    "job:disassociation_requests.auto_approve": "approves every partner's overdue requests",
    "job:authorizations.expire": "expires every partner's lapsed authorizations",
}

APP_ROOT = Path(app.__file__).resolve().parent
# the unit of work, the tables, and the migrations (which backfill every partner's rows)
IGNORED = (
    str(APP_ROOT / "db.py"),
    str(APP_ROOT / "models") + "/",
    str(APP_ROOT / "migrate.py"),
    # the ORM hook that watches statements for principal changes: it issues none, so the
    # statement belongs to whoever runs it (a test's cleanup, or an application frame outside)
    str(APP_ROOT / "services" / "core" / "principal_changes.py"),
)
APP_PREFIX = str(APP_ROOT) + "/"
LOOP_FILE = str(Path("asyncio") / "events.py")


# The application frame that handed the current statement to `SerializedSession.run_statement`.
CALLER: ContextVar[tuple[str | None, bool]] = ContextVar(
    "tenant_hook_caller", default=(None, False)
)


@dataclass(frozen=True)
class Finding:
    statement: str
    tables: tuple[str, ...]
    site: str
    scopes: tuple[str, ...]

    def __str__(self) -> str:
        scopes = f" in scopes {', '.join(self.scopes)}" if self.scopes else ""
        tables = ", ".join(dict.fromkeys(self.tables))
        return f"{self.site}{scopes}: {tables} unpinned in\n    {self.statement}"


def _frames(frame: FrameType | None) -> Iterator[FrameType]:
    """The frames from `frame` outwards: this greenlet's, then those of the greenlet (the
    task) that switched into it."""
    glet = greenlet.getcurrent()
    while True:
        while frame is not None:
            if frame.f_code.co_name == "_run" and frame.f_code.co_filename.endswith(LOOP_FILE):
                return  # below a task's first step: whoever runs the event loop (the CLI)
            yield frame
            frame = frame.f_back
        glet = glet.parent
        if glet is None:
            return
        frame = glet.gr_frame


def caller(frame: FrameType | None) -> tuple[str | None, bool]:
    """The innermost application frame issuing the current statement, as `path:line (fn)`
    (None when only the tests, SQLAlchemy and `app/db.py` are on the stack), and whether an
    application frame on the way acts for the PLATFORM principal (its `ctx`)."""
    site = None
    for f in _frames(frame):
        path = f.f_code.co_filename
        if not path.startswith(APP_PREFIX) or path.startswith(IGNORED):
            continue
        if site is None:
            relative = Path(path).relative_to(APP_ROOT.parent)
            site = f"{relative}:{f.f_lineno} ({f.f_code.co_name})"
        ctx = f.f_locals.get("ctx")
        if isinstance(ctx, ServiceContext):
            return site, ctx.principal.kind is PrincipalKind.PLATFORM
    return site, False


def app_site(frame: FrameType | None) -> str | None:
    return caller(frame)[0]


class Recorder:
    """Collects the unpinned application statements of the running test."""

    def __init__(
        self, allowed: dict[str, str] | None = None, dialect: str | None = "postgresql"
    ) -> None:
        self.dialect = dialect
        self.allowed = frozenset(ALLOWED if allowed is None else allowed)
        self.findings: list[Finding] = []
        self.seconds = 0.0  # time spent checking, for the suite's report

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.dialect is not None and conn.dialect.name != self.dialect:
            return  # the console tests' SQLite files, whatever the suite runs on
        started = time.perf_counter()
        try:
            self.check(statement, sys._getframe(1))
        finally:
            self.seconds += time.perf_counter() - started

    def check(self, statement: str, frame: FrameType | None) -> Finding | None:
        tables = unpinned(statement, TENANT_TABLES)
        if not tables:
            return None
        scopes = cross_partner.active()
        if any(scope in self.allowed for scope in scopes):
            return None
        site, platform = caller(frame)
        if site is None:
            site, platform = CALLER.get()
        if site is None:
            return None
        if platform and cross_partner.PLATFORM_CONSOLE in self.allowed:
            # a service a test calls directly as the platform: the endpoint would have
            # entered platform-console for this caller
            return None
        finding = Finding(" ".join(statement.split()), tables, site, scopes)
        self.findings.append(finding)
        return finding

    def report(self) -> str:
        lines = [f"{len(self.findings)} statement(s) reach a tenant table without partner_id:"]
        lines += [str(f) for f in dict.fromkeys(self.findings)]
        return "\n".join(lines)


RECORDER = Recorder()


def _write_report(test: str, findings: list[Finding]) -> None:
    """With `TENANT_HOOK_REPORT=<file>`, append each finding as a JSON line, to sort them."""
    path = os.environ.get("TENANT_HOOK_REPORT")
    if path:
        with open(path, "a") as out:
            for f in dict.fromkeys(findings):
                out.write(json.dumps({"test": test, **dataclasses.asdict(f)}) + "\n")


def _noting_the_caller(run_statement: Any) -> Any:
    @functools.wraps(run_statement)
    async def noted(self: SerializedSession, fn: Any, *args: Any, **kwargs: Any) -> Any:
        found = caller(sys._getframe(1))
        token = CALLER.set(found if found[0] is not None else CALLER.get())
        try:
            return await run_statement(self, fn, *args, **kwargs)
        finally:
            CALLER.reset(token)

    return noted


@contextmanager
def noting_callers() -> Iterator[None]:
    """While it lasts, `SerializedSession` notes the application frame of each statement."""
    original = SerializedSession.run_statement
    SerializedSession.run_statement = _noting_the_caller(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        SerializedSession.run_statement = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def _listening() -> Iterator[Recorder]:
    with noting_callers():
        event.listen(Engine, "before_cursor_execute", RECORDER)
        yield RECORDER
        event.remove(Engine, "before_cursor_execute", RECORDER)


def checked(request: pytest.FixtureRequest) -> Iterator[None]:
    """The body of the autouse fixture: record during the test, fail at its teardown."""
    recorder: Recorder = request.getfixturevalue("_listening")
    recorder.findings = []
    yield
    if recorder.findings:
        _write_report(request.node.nodeid, recorder.findings)
        report = recorder.report()
        recorder.findings = []
        pytest.fail(report, pytrace=False)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How long the checks took (they must add little to the suite)."""
    if RECORDER.seconds:
        info = unpinned.cache_info()
        terminalreporter.write_line(
            f"tenant statements: {RECORDER.seconds:.2f}s checking, {info.currsize} distinct "
            f"statements parsed, {info.hits} cache hits"
        )
