"""The job registry and `jobs run-due`: due jobs run once, in their own transaction."""

from __future__ import annotations

from datetime import timedelta

from app.models import Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.services.core.jobs import load_registry, run_due
from tests.factories import make_customer, make_partner, make_resource
from tests.rows import reread


async def test_registry_holds_the_domain_jobs():
    assert "resources.expire" in load_registry()


async def test_run_due_runs_each_job_once_per_interval(db, session, frozen_clock):
    # given a prepaid resource whose term just ended, one whose grace period is over, and
    # one still running
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    ended = await make_resource(
        session, customer, expires_at=frozen_clock.now() - timedelta(hours=1)
    )
    lapsed = await make_resource(
        session, customer, expires_at=frozen_clock.now() - timedelta(days=16)
    )
    running = await make_resource(
        session, customer, expires_at=frozen_clock.now() + timedelta(days=1)
    )
    on_demand = await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )
    await session.commit()

    # when
    first = {o.name: o for o in await run_due(db)}
    again = {o.name: o for o in await run_due(db)}
    frozen_clock.advance(timedelta(minutes=5))
    later = {o.name: o for o in await run_due(db)}

    # then
    assert first["resources.expire"].ran and first["resources.expire"].result == (
        "1 resources to grace period, 1 resources expired, 0 reactivated"
    )
    assert not again["resources.expire"].ran and again["resources.expire"].result == "not due"
    assert later["resources.expire"].ran and later["resources.expire"].result == (
        "0 resources to grace period, 0 resources expired, 0 reactivated"
    )
    for resource, status in [
        (ended, ResourceStatus.GRACE_PERIOD),
        (lapsed, ResourceStatus.EXPIRED),
        (running, ResourceStatus.ACTIVE),
        (on_demand, ResourceStatus.ACTIVE),
    ]:
        stored = await reread(session, Resource, resource.id)
        assert stored.status is status


async def test_force_runs_jobs_that_are_not_due(db):
    await run_due(db)

    forced = {o.name: o for o in await run_due(db, force=True)}

    assert forced["resources.expire"].ran
