"""A resource's status at the edges of its rules: the read, the filter and the job agree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.models import Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.services.core.jobs import load_registry
from tests.customers.resource_status_helpers import put_in_arrears
from tests.customers.resources_query_helpers import admin_token, list_resources
from tests.factories import global_id, gql, make_customer, make_partner, make_resource
from tests.funds.credit_helpers import charge, set_limit
from tests.funds.helpers import platform

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
STATUS = "query($id: ID!) { resource(id: $id) { status } }"

# (term ended this long ago, the status it reads): a term's end and the grace period's
# end both belong to the later status (a window includes its start, excludes its end)
PREPAID = [
    (-SECOND, "ACTIVE"),
    (timedelta(0), "GRACE_PERIOD"),
    (15 * DAY - SECOND, "GRACE_PERIOD"),
    (15 * DAY, "EXPIRED"),
    (400 * DAY, "EXPIRED"),
]
# (in arrears for this long, the status an on-demand resource reads)
ON_DEMAND = [
    (timedelta(0), "GRACE_PERIOD"),
    (15 * DAY - SECOND, "GRACE_PERIOD"),
    (15 * DAY, "FROZEN"),
    (90 * DAY, "FROZEN"),
]


async def read(client, token, resource) -> str:
    body = await gql(client, STATUS, {"id": global_id("Resource", resource.id)}, token=token)
    return body["data"]["resource"]["status"]


async def filtered(client, token, status: str) -> set[str]:
    found = await list_resources(client, token, {"statuses": [status]})
    return {n["id"] for n in found["nodes"]}


async def stored_after_jobs(session, resource) -> ResourceStatus:
    for name in ("resources.expire", "funds.arrears-resources"):
        await load_registry()[name].run(platform(session))
    return await session.scalar(
        select(Resource.status)
        .where(Resource.id == resource.id)
        .execution_options(populate_existing=True)
    )


@pytest.mark.parametrize(("ago", "status"), PREPAID)
async def test_a_yearly_monthly_term_and_its_grace(client, session, frozen_clock, ago, status):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    resource = await make_resource(
        session, await make_customer(session, partner), expires_at=clock.now() - ago
    )

    assert await read(client, token, resource) == status
    assert global_id("Resource", resource.id) in await filtered(client, token, status)
    others = [s.value for s in ResourceStatus if s.value != status]
    for other in others:
        assert global_id("Resource", resource.id) not in await filtered(client, token, other)
    assert (await stored_after_jobs(session, resource)).value == status


@pytest.mark.parametrize(("owing_for", "status"), ON_DEMAND)
async def test_an_on_demand_resource_and_its_customers_arrears(
    client, session, frozen_clock, owing_for, status
):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    await put_in_arrears(session, customer, days=owing_for / DAY)
    resource = await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )

    assert await read(client, token, resource) == status
    assert await filtered(client, token, status) == {global_id("Resource", resource.id)}
    assert (await stored_after_jobs(session, resource)).value == status


async def test_credit_in_use_is_not_arrears(client, session, frozen_clock):
    # given a customer spending on its credit limit, but within it
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "100.00")
    resource = await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )

    assert await read(client, token, resource) == "ACTIVE"
    assert await filtered(client, token, "GRACE_PERIOD") == set()


async def test_a_deleted_resource_stays_deleted_whatever_its_term_or_arrears(
    client, session, frozen_clock
):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    await put_in_arrears(session, customer, days=30)
    prepaid = await make_resource(
        session, customer, status=ResourceStatus.DELETED, expires_at=clock.now() - 30 * DAY
    )
    on_demand = await make_resource(
        session,
        customer,
        status=ResourceStatus.DELETED,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
    )

    assert [await read(client, token, r) for r in (prepaid, on_demand)] == ["DELETED"] * 2
    assert await filtered(client, token, "DELETED") == {
        global_id("Resource", r.id) for r in (prepaid, on_demand)
    }
    assert await stored_after_jobs(session, on_demand) is ResourceStatus.DELETED
