"""The partner-wide `resources` list: every filter, alone and combined."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest

from app.models.customers.enums import BillingMode, ResourceStatus, ServiceType
from tests.customers.resource_status_helpers import every_status
from tests.customers.resources_query_helpers import (
    RESOURCES,
    admin_token,
    days_ahead,
    hours_ago,
    list_resources,
    node_ids,
    rids,
)
from tests.factories import global_id, gql, make_customer, make_partner, make_resource

# --- the partner-wide list ------------------------------------------------------------------


async def test_lists_every_customers_resources_of_the_partner_only(client, session):
    # given
    partner = await make_partner(session)
    other = await make_partner(session)
    token = await admin_token(session, partner)
    acme = await make_customer(session, partner)
    globex = await make_customer(session, partner)
    foreign = await make_customer(session, other)
    mine = [
        await make_resource(session, acme, created_at=hours_ago(3)),
        await make_resource(session, globex, created_at=hours_ago(1)),
        await make_resource(session, acme, created_at=hours_ago(2)),
    ]
    await make_resource(session, foreign, created_at=hours_ago(0))

    # when
    found = await list_resources(client, token)

    # then: newest first by default
    assert node_ids(found) == rids([mine[1], mine[2], mine[0]])
    assert found["totalCount"] == 3


async def test_customer_id_filter(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    acme = await make_customer(session, partner)
    globex = await make_customer(session, partner)
    acmes = [
        await make_resource(session, acme, created_at=hours_ago(1)),
        await make_resource(session, acme, created_at=hours_ago(2)),
    ]
    await make_resource(session, globex, created_at=hours_ago(3))

    # when
    found = await list_resources(client, token, {"customerId": global_id("Customer", acme.id)})

    # then
    assert node_ids(found) == rids(acmes)
    assert found["totalCount"] == 2


async def test_customer_id_of_another_partner_matches_nothing(client, session):
    partner = await make_partner(session)
    other = await make_partner(session)
    token = await admin_token(session, partner)
    await make_resource(session, await make_customer(session, partner))
    foreign = await make_customer(session, other)
    await make_resource(session, foreign)

    found = await list_resources(client, token, {"customerId": global_id("Customer", foreign.id)})

    assert found == {"totalCount": 0, "nodes": []}


@pytest.mark.parametrize(
    "bad_id",
    ["garbage", "", "UGFydG5lclVzZXI6MQ"],
    ids=["garbage", "empty", "partner-user-id"],
)
async def test_malformed_customer_id_is_bad_user_input(client, session, bad_id):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await make_resource(session, await make_customer(session, partner))

    # when
    body = await gql(client, RESOURCES, {"filter": {"customerId": bad_id}}, token=token)

    # then
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["resources"]
    assert "customerId" in error["message"]


async def test_service_types_filter_matches_any_of_them(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    ecs = await make_resource(
        session, customer, service_type=ServiceType.ECS, created_at=hours_ago(1)
    )
    rds = await make_resource(
        session, customer, service_type=ServiceType.RDS, created_at=hours_ago(2)
    )
    await make_resource(session, customer, service_type=ServiceType.OBS, created_at=hours_ago(3))
    await make_resource(session, customer, service_type=ServiceType.CDN, created_at=hours_ago(4))

    # when
    both = await list_resources(client, token, {"serviceTypes": ["ECS", "RDS"]})
    one = await list_resources(client, token, {"serviceTypes": ["RDS"]})

    # then
    assert node_ids(both) == rids([ecs, rds])
    assert both["totalCount"] == 2
    assert node_ids(one) == rids([rds])
    assert [n["serviceType"] for n in one["nodes"]] == ["RDS"]


async def test_statuses_filter_matches_any_of_them(client, session):
    # given: one resource of each status as its rules give it (all stored ACTIVE but one)
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    made = await every_status(session, partner)

    # when
    troubled = await list_resources(client, token, {"statuses": ["GRACE_PERIOD", "FROZEN"]})
    deleted = await list_resources(client, token, {"statuses": ["DELETED"]})

    # then: newest first
    assert node_ids(troubled) == rids([made.grace_period, made.on_demand_grace, made.frozen])
    assert troubled["totalCount"] == 3
    assert {n["status"] for n in troubled["nodes"]} == {"GRACE_PERIOD", "FROZEN"}
    assert node_ids(deleted) == rids([made.deleted])


@pytest.mark.parametrize("status", [s.value for s in ResourceStatus])
async def test_each_status_filter_agrees_with_what_is_read(client, session, status):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    made = await every_status(session, partner)

    # when
    found = await list_resources(client, token, {"statuses": [status]})

    # then
    assert sorted(node_ids(found)) == sorted(rids(made.by_status()[status]))
    assert {n["status"] for n in found["nodes"]} == {status}
    assert found["totalCount"] == len(made.by_status()[status])


async def test_billing_mode_filter(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    prepaid = await make_resource(
        session, customer, billing_mode=BillingMode.YEARLY_MONTHLY, created_at=hours_ago(1)
    )
    on_demand = await make_resource(
        session,
        customer,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        created_at=hours_ago(2),
    )

    # when
    prepaids = await list_resources(client, token, {"billingMode": "YEARLY_MONTHLY"})
    on_demands = await list_resources(client, token, {"billingMode": "ON_DEMAND"})

    # then
    assert node_ids(prepaids) == rids([prepaid])
    assert node_ids(on_demands) == rids([on_demand])
    assert on_demands["nodes"][0]["expiresAt"] is None


async def test_region_filter_is_exact(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    north = await make_resource(session, customer, region="cn-north-4", created_at=hours_ago(1))
    await make_resource(session, customer, region="cn-north-40", created_at=hours_ago(2))
    await make_resource(session, customer, region="CN-NORTH-4", created_at=hours_ago(3))
    await make_resource(session, customer, region="cn-east-3", created_at=hours_ago(4))

    # when
    found = await list_resources(client, token, {"region": "cn-north-4"})
    partial = await list_resources(client, token, {"region": "cn-north"})

    # then
    assert node_ids(found) == rids([north])
    assert partial == {"totalCount": 0, "nodes": []}


async def test_expiring_before_is_exclusive_and_skips_resources_without_expiry(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    cutoff = days_ahead(10)
    soon = await make_resource(session, customer, expires_at=days_ahead(1), created_at=hours_ago(1))
    just_before = await make_resource(
        session, customer, expires_at=cutoff - timedelta(microseconds=1), created_at=hours_ago(2)
    )
    expired = await make_resource(
        session, customer, expires_at=days_ahead(-3), created_at=hours_ago(3)
    )
    await make_resource(session, customer, expires_at=cutoff, created_at=hours_ago(4))
    await make_resource(session, customer, expires_at=days_ahead(30), created_at=hours_ago(5))
    await make_resource(
        session,
        customer,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        created_at=hours_ago(6),
    )

    # when
    found = await list_resources(client, token, {"expiringBefore": cutoff.isoformat()})

    # then
    assert node_ids(found) == rids([soon, just_before, expired])
    assert found["totalCount"] == 3


async def test_expiring_before_honours_the_utc_offset(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    cutoff = days_ahead(10)
    inside = await make_resource(session, customer, expires_at=cutoff - timedelta(seconds=1))
    await make_resource(session, customer, expires_at=cutoff)

    shanghai = cutoff.astimezone(timezone(timedelta(hours=8))).isoformat()
    found = await list_resources(client, token, {"expiringBefore": shanghai})

    assert node_ids(found) == rids([inside])


async def test_expiring_before_without_utc_offset_is_refused(client, session):
    # given: a time without an offset is ambiguous (UTC? Beijing?), so it is bad input
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    await make_resource(session, customer, expires_at=days_ahead(1))
    naive = days_ahead(10).replace(tzinfo=None).isoformat()

    # when
    body = await gql(client, RESOURCES, {"filter": {"expiringBefore": naive}}, token=token)

    # then: refused before execution, with a message that says what to add
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
    assert "UTC offset" in error["message"]


async def test_filters_combine_with_and_and_total_count_follows_them(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    acme = await make_customer(session, partner)
    globex = await make_customer(session, partner)
    base: dict[str, Any] = {
        "service_type": ServiceType.RDS,
        "status": ResourceStatus.ACTIVE,
        "billing_mode": BillingMode.YEARLY_MONTHLY,
        "region": "cn-east-3",
        "expires_at": days_ahead(5),
    }
    match = await make_resource(session, acme, **base)
    # each of these misses exactly one condition
    await make_resource(session, globex, **base)
    await make_resource(session, acme, **{**base, "service_type": ServiceType.ECS})
    await make_resource(session, acme, **{**base, "expires_at": days_ahead(-20)})  # EXPIRED
    await make_resource(
        session, acme, **{**base, "billing_mode": BillingMode.ON_DEMAND, "expires_at": None}
    )
    await make_resource(session, acme, **{**base, "region": "cn-north-4"})
    await make_resource(session, acme, **{**base, "expires_at": days_ahead(50)})

    # when
    found = await list_resources(
        client,
        token,
        {
            "customerId": global_id("Customer", acme.id),
            "serviceTypes": ["RDS", "OBS"],
            "statuses": ["ACTIVE", "GRACE_PERIOD"],
            "billingMode": "YEARLY_MONTHLY",
            "region": "cn-east-3",
            "expiringBefore": days_ahead(30).isoformat(),
        },
    )
    everything = await list_resources(client, token)

    # then
    assert node_ids(found) == rids([match])
    assert found["totalCount"] == 1
    assert everything["totalCount"] == 7
