"""Arrears put on-demand resources in grace, then frozen; repaying reactivates them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.models.customers.enums import BillingMode, ResourceStatus
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from app.services.funds import credit
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)
from tests.funds import credit_helpers
from tests.funds.credit_helpers import allocate, charge, position, set_limit
from tests.funds.helpers import assert_books_balance, platform

world = credit_helpers.world  # a fixture shared with the other credit tests


STATUSES = """
query Statuses($ids: [ID!]!) { nodes(ids: $ids) { id ... on Resource { status } } }
"""


async def statuses(client, token, *resources) -> list[str]:
    body = await gql(
        client, STATUSES, {"ids": [global_id("Resource", r.id) for r in resources]}, token=token
    )
    return [node["status"] for node in body["data"]["nodes"]]


async def on_demand(session, customer):
    return await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )


async def prepaid(session, customer, frozen_clock):
    return await make_resource(
        session,
        customer,
        billing_mode=BillingMode.YEARLY_MONTHLY,
        expires_at=frozen_clock.now() + timedelta(days=365),
    )


async def test_arrears_put_on_demand_resources_in_grace(client, db, session, world, frozen_clock):
    # given
    partner, owing, token = world
    owing_on_demand = await on_demand(session, owing)
    owing_prepaid = await prepaid(session, owing, frozen_clock)
    await charge(session, owing, "0.01")
    on_credit = await make_customer(session, partner)
    await set_limit(client, token, on_credit, "100.00")
    await charge(session, on_credit, "100.00")
    credit_on_demand = await on_demand(session, on_credit)
    paying = await make_customer(session, partner)
    await allocate(client, token, paying, "10.00")
    paying_on_demand = await on_demand(session, paying)

    # when
    outcomes = {o.name: o for o in await run_due(db, force=True)}

    # then
    assert outcomes["funds.arrears-resources"].ran
    assert await statuses(
        client, token, owing_on_demand, owing_prepaid, credit_on_demand, paying_on_demand
    ) == ["GRACE_PERIOD", "ACTIVE", "ACTIVE", "ACTIVE"]


async def test_grace_turns_to_frozen_after_15_days(client, db, session, world, frozen_clock):
    # given: the grace period starts at the first run after the arrears
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    yearly = await prepaid(session, customer, frozen_clock)
    await charge(session, customer, "10.00")
    start = frozen_clock.now()
    await run_due(db, force=True)

    # when: runs in between do not restart the grace period
    frozen_clock.set(start + timedelta(days=7))
    await run_due(db, force=True)
    frozen_clock.set(start + timedelta(days=15) - timedelta(seconds=1))
    await run_due(db, force=True)
    just_before = await statuses(client, token, resource)
    frozen_clock.set(start + timedelta(days=15))
    await run_due(db, force=True)

    # then
    assert just_before == ["GRACE_PERIOD"]
    assert await statuses(client, token, resource, yearly) == ["FROZEN", "ACTIVE"]


async def test_repaying_arrears_reactivates_graced_resources(client, db, session, world):
    # given
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await set_limit(client, token, customer, "50.00")
    await charge(session, customer, "80.00")
    await run_due(db, force=True)
    assert await statuses(client, token, resource) == ["GRACE_PERIOD"]

    # when: allocating the arrears (the credit stays in use)
    await allocate(client, token, customer, "30.00")
    await run_due(db, force=True)

    # then
    assert await statuses(client, token, resource) == ["ACTIVE"]
    assert (await position(client, token, customer))["creditUsed"] == "50.00"
    await assert_books_balance(session)


async def test_repaying_arrears_reactivates_frozen_resources(
    client, db, session, world, frozen_clock
):
    # given
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "80.00")
    await run_due(db, force=True)
    frozen_clock.advance(timedelta(days=15))
    await run_due(db, force=True)
    assert await statuses(client, token, resource) == ["FROZEN"]

    # when
    await allocate(client, token, customer, "80.00")
    await run_due(db, force=True)

    # then
    assert await statuses(client, token, resource) == ["ACTIVE"]


async def test_a_higher_credit_limit_also_ends_the_grace(client, db, session, world):
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "80.00")
    await credit.apply_arrears_to_resources(platform(session))
    assert await statuses(client, token, resource) == ["GRACE_PERIOD"]

    await set_limit(client, token, customer, "80.00")
    await credit.apply_arrears_to_resources(platform(session))

    assert await statuses(client, token, resource) == ["ACTIVE"]


async def test_partial_repayment_keeps_the_grace_running(client, db, session, world, frozen_clock):
    # given
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "80.00")
    start = frozen_clock.now()
    await run_due(db, force=True)

    # when
    await allocate(client, token, customer, "79.99")
    frozen_clock.set(start + timedelta(days=1))
    await run_due(db, force=True)
    still_graced = await statuses(client, token, resource)
    frozen_clock.set(start + timedelta(days=15))
    await run_due(db, force=True)

    # then
    assert still_graced == ["GRACE_PERIOD"]
    assert await statuses(client, token, resource) == ["FROZEN"]


async def test_deleted_stays_deleted_and_a_stale_grace_finds_its_way_back(
    client, db, session, world, frozen_clock
):
    # given: an owing customer's deleted resource, and an on-demand resource stored in grace
    # of a customer without arrears (what a job left before the arrears were repaid)
    partner, owing, token = world
    deleted = await make_resource(
        session,
        owing,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        status=ResourceStatus.DELETED,
    )
    await charge(session, owing, "5.00")
    clean = await make_customer(session, partner)
    stale = await make_resource(
        session,
        clean,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        status=ResourceStatus.GRACE_PERIOD,
    )

    # when: read before any job runs, then after the jobs ran a month later
    before_jobs = await statuses(client, token, deleted, stale)
    await run_due(db, force=True)
    frozen_clock.advance(timedelta(days=30))
    await run_due(db, force=True)

    # then
    assert before_jobs == ["DELETED", "ACTIVE"]
    assert await statuses(client, token, deleted, stale) == ["DELETED", "ACTIVE"]
    await session.refresh(stale)
    await session.refresh(deleted)
    assert (stale.status, deleted.status) == (ResourceStatus.ACTIVE, ResourceStatus.DELETED)


async def test_reads_show_the_rules_status_before_the_job_runs(
    client, session, world, frozen_clock
):
    # given an owing customer's on-demand resource, no job run
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "10.00")

    # when / then: in grace at once, frozen after 15 days, ACTIVE once repaid
    assert await statuses(client, token, resource) == ["GRACE_PERIOD"]
    frozen_clock.advance(timedelta(days=15))
    assert await statuses(client, token, resource) == ["FROZEN"]
    await allocate(client, token, customer, "10.00")
    assert await statuses(client, token, resource) == ["ACTIVE"]
    await session.refresh(resource)
    assert resource.status is ResourceStatus.ACTIVE  # never stored otherwise


async def test_arrears_of_another_partner_customer_do_not_spread(
    client, db, session, world, frozen_clock
):
    _partner, customer, token = world
    mine = await on_demand(session, customer)
    other = await make_partner(session)
    foreign = await make_customer(session, other)
    await charge(session, foreign, "1.00")
    foreign_resource = await on_demand(session, foreign)
    other_token = await token_for(session, await make_user(session, other, Role.ADMIN))

    await run_due(db, force=True)

    assert await statuses(client, token, mine) == ["ACTIVE"]
    assert await statuses(client, other_token, foreign_resource) == ["GRACE_PERIOD"]


async def test_a_late_job_freezes_on_time_counted_from_the_arrears(session, frozen_clock):
    # given a customer that fell into arrears 16 days ago, never seen by the job since
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    resource = await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )
    await credit.charge(platform(session), customer, Decimal("10.00"), reference="usage")
    frozen_clock.advance(timedelta(days=16))

    # when the job finally runs
    await credit.apply_arrears_to_resources(platform(session))

    # then the grace period is over already
    await session.refresh(resource)
    assert resource.status is ResourceStatus.FROZEN
