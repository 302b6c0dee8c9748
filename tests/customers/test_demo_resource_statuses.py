"""The demo holds no resource status its rules can't reach, and every read tells the truth.

The demo is seeded on the test's own database with the clock stopped (at the real now, which
the demo's dates are written against), so "now" is one instant for the seed and the checks.
Then time moves on: reads follow the rules at once, and the jobs store what they show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app import clock
from app.demo.seed import seed
from app.models import CustomerAccount, Partner, Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from app.settings import get_settings
from tests.factories import global_id, gql, make_user, token_for

READ = """
query Read($after: String, $filter: ResourceFilter) {
  resources(first: 100, after: $after, filter: $filter) {
    totalCount
    nodes { id status }
    pageInfo { hasNextPage endCursor }
  }
}
"""
COUNT = """
query Count($filter: ResourceFilter) { resources(filter: $filter, first: 1) { totalCount } }
"""


@pytest.fixture
def stopped_clock() -> Iterator[clock.FrozenClock]:
    frozen = clock.FrozenClock(datetime.now(UTC).replace(microsecond=0))
    previous = clock.use_clock(frozen)
    yield frozen
    clock.use_clock(previous)


def expected_status(resource: Any, account: Any, now: datetime) -> ResourceStatus:
    """The rules, written out once more here (not the app's code) to check it by."""
    settings = get_settings()
    if resource.status is ResourceStatus.DELETED:
        return ResourceStatus.DELETED
    if resource.billing_mode is BillingMode.YEARLY_MONTHLY:
        if resource.expires_at is None or now < resource.expires_at:
            return ResourceStatus.ACTIVE
        grace_end = resource.expires_at + timedelta(days=settings.resource_grace_period_days)
        return ResourceStatus.GRACE_PERIOD if now < grace_end else ResourceStatus.EXPIRED
    if account is None or account.balance + account.credit_limit >= 0:
        return ResourceStatus.ACTIVE
    frozen_at = account.arrears_since + timedelta(days=settings.arrears_freeze_after_days)
    return ResourceStatus.FROZEN if frozen_at <= now else ResourceStatus.GRACE_PERIOD


async def expectations(session) -> dict[int, tuple[int, ResourceStatus, ResourceStatus]]:
    """id -> (partner id, stored status, the rules' status now)."""
    accounts = {a.customer_id: a for a in await session.scalars(select(CustomerAccount))}
    resources = await session.scalars(select(Resource).execution_options(populate_existing=True))
    now = clock.now()
    return {
        r.id: (r.partner_id, r.status, expected_status(r, accounts.get(r.customer_id), now))
        for r in resources
    }


async def read_all(client, token) -> dict[str, str]:
    seen: dict[str, str] = {}
    after = None
    while True:
        body = await gql(client, READ, {"after": after}, token=token)
        assert "errors" not in body, body
        page = body["data"]["resources"]
        seen.update({n["id"]: n["status"] for n in page["nodes"]})
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def assert_reads_tell_the_truth(client, tokens, expected) -> None:
    for partner_id, token in tokens.items():
        mine = {
            global_id("Resource", rid): rule.value
            for rid, (pid, _stored, rule) in expected.items()
            if pid == partner_id
        }
        assert await read_all(client, token) == mine
        wanted = Counter(mine.values())
        for status in ResourceStatus:
            body = await gql(client, COUNT, {"filter": {"statuses": [status.value]}}, token=token)
            assert body["data"]["resources"]["totalCount"] == wanted[status], status


async def test_demo_statuses_are_the_rules_and_reads_follow_them(
    client, db, session, stopped_clock
):
    # given the demo, seeded now
    await seed(db)
    partners = (await session.scalars(select(Partner).order_by(Partner.id))).all()
    tokens = {
        p.id: await token_for(session, await make_user(session, p, Role.ADMIN)) for p in partners
    }

    # then: every stored status is the one its rules give now, and so is every read
    expected = await expectations(session)
    assert len(expected) > 300
    wrong = {rid: e for rid, e in expected.items() if e[1] is not e[2]}
    assert wrong == {}
    counts = Counter(rule for _pid, _stored, rule in expected.values())
    assert counts[ResourceStatus.EXPIRED] and counts[ResourceStatus.ACTIVE]
    await assert_reads_tell_the_truth(client, tokens, expected)

    # when time moves past the arrears freeze and more terms end, before any job runs
    stopped_clock.advance(timedelta(days=get_settings().arrears_freeze_after_days))
    moved = await expectations(session)

    # then reads follow the rules at once (and differ from what is stored) ...
    assert {rid for rid, e in moved.items() if e[1] is not e[2]}
    await assert_reads_tell_the_truth(client, tokens, moved)

    # ... and the jobs store exactly what the reads show
    await session.commit()
    await run_due(db, force=True)
    stored = await expectations(session)
    assert {rid: e for rid, e in stored.items() if e[1] is not e[2]} == {}
    assert {rid: e[2] for rid, e in stored.items()} == {rid: e[2] for rid, e in moved.items()}
