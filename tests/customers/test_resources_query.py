"""Resources: the partner-wide `resources` list and each customer's `Customer.resources`."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest

from app import clock
from app.models import Customer, Partner, Resource
from app.models.customers.enums import BillingMode, ResourceStatus, ServiceType
from app.models.partners.enums import Role
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

RESOURCES = """
query Resources($filter: ResourceFilter, $orderBy: ResourceOrder, $first: Int) {
  resources(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    nodes { id name serviceType status billingMode region createdAt expiresAt }
  }
}
"""

CUSTOMER_RESOURCES = """
query CustomerResources(
  $id: ID!
  $filter: ResourceFilter
  $orderBy: ResourceOrder
  $first: Int
  $after: String
  $last: Int
  $before: String
) {
  customer(id: $id) {
    resources(
      filter: $filter
      orderBy: $orderBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      edges { cursor node { id name } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""

CUSTOMERS_WITH_RESOURCES = """
query CustomersWithResources($first: Int, $filter: ResourceFilter, $orderBy: ResourceOrder) {
  customers(orderBy: {field: NAME, direction: ASC}) {
    nodes {
      name
      resources(first: $first, filter: $filter, orderBy: $orderBy) {
        totalCount
        edges { cursor node { id name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""


async def admin_token(session: Any, partner: Partner) -> str:
    admin = await make_user(session, partner, Role.ADMIN)
    return await token_for(session, admin)


async def list_resources(
    client: Any,
    token: str,
    filter: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(
        client, RESOURCES, {"filter": filter, "orderBy": order_by, "first": 100}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["resources"]


def rids(resources: list[Resource]) -> list[str]:
    return [global_id("Resource", r.id) for r in resources]


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


def edge_ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def hours_ago(n: float) -> Any:
    return clock.now() - timedelta(hours=n)


def days_ahead(n: float) -> Any:
    return clock.now() + timedelta(days=n)


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
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    made = {
        status: await make_resource(session, customer, status=status, created_at=hours_ago(i))
        for i, status in enumerate(ResourceStatus, start=1)
    }

    # when
    troubled = await list_resources(client, token, {"statuses": ["GRACE_PERIOD", "FROZEN"]})
    deleted = await list_resources(client, token, {"statuses": ["DELETED"]})

    # then
    assert node_ids(troubled) == rids(
        [made[ResourceStatus.GRACE_PERIOD], made[ResourceStatus.FROZEN]]
    )
    assert troubled["totalCount"] == 2
    assert node_ids(deleted) == rids([made[ResourceStatus.DELETED]])


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
    await make_resource(session, acme, **{**base, "status": ResourceStatus.FROZEN})
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


# --- orderings ------------------------------------------------------------------------------


async def _catalogue(session: Any, partner: Partner) -> list[Resource]:
    """Resources with ties on every sort key and two without an expiry.

    Names are lowercase ASCII letters with a common prefix, so they sort the same under any
    collation.
    """
    customer = await make_customer(session, partner)
    specs = [
        ("resb", hours_ago(5), days_ahead(10)),
        ("resa", hours_ago(3), None),
        ("resc", hours_ago(5), days_ahead(5)),
        ("resa", hours_ago(1), days_ahead(10)),
        ("resd", hours_ago(2), None),
        ("resab", hours_ago(4), days_ahead(20)),
    ]
    made = []
    for name, created_at, expires_at in specs:
        made.append(
            await make_resource(
                session,
                customer,
                name=name,
                created_at=created_at,
                expires_at=expires_at,
                billing_mode=BillingMode.ON_DEMAND
                if expires_at is None
                else BillingMode.YEARLY_MONTHLY,
            )
        )
    return made


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        # created_at: r0 and r2 tie (5h ago), id breaks the tie
        ({"field": "CREATED_AT", "direction": "ASC"}, [0, 2, 5, 1, 4, 3]),
        ({"field": "CREATED_AT", "direction": "DESC"}, [3, 4, 1, 5, 2, 0]),
        (None, [3, 4, 1, 5, 2, 0]),
        # expires_at: r0 and r3 tie; r1 and r4 have none (last ascending, first descending)
        ({"field": "EXPIRES_AT", "direction": "ASC"}, [2, 0, 3, 5, 1, 4]),
        ({"field": "EXPIRES_AT"}, [2, 0, 3, 5, 1, 4]),
        ({"field": "EXPIRES_AT", "direction": "DESC"}, [4, 1, 5, 3, 0, 2]),
        # name: r1 and r3 are both "resa"
        ({"field": "NAME", "direction": "ASC"}, [1, 3, 5, 0, 2, 4]),
        ({"field": "NAME", "direction": "DESC"}, [4, 2, 0, 5, 3, 1]),
    ],
    ids=[
        "created-asc",
        "created-desc",
        "default",
        "expires-asc",
        "expires-default-asc",
        "expires-desc",
        "name-asc",
        "name-desc",
    ],
)
async def test_orderings(client, session, order_by, expected):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    made = await _catalogue(session, partner)

    # when
    found = await list_resources(client, token, order_by=order_by)

    # then
    assert node_ids(found) == rids([made[i] for i in expected])


async def test_expires_at_ordering_pages_through_the_resources_without_expiry(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    made = await _catalogue(session, partner)
    order = {"field": "EXPIRES_AT", "direction": "ASC"}
    customer_id = global_id("Customer", made[0].customer_id)

    # when: pages of two, so one page boundary falls between the two null expiries
    seen: list[str] = []
    after = None
    while True:
        body = await gql(
            client,
            CUSTOMER_RESOURCES,
            {"id": customer_id, "orderBy": order, "first": 2, "after": after},
            token=token,
        )
        connection = body["data"]["customer"]["resources"]
        seen += edge_ids(connection)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    # then
    assert seen == rids([made[i] for i in [2, 0, 3, 5, 1, 4]])


# --- Customer.resources ---------------------------------------------------------------------


async def _customers_with_resources(
    session: Any, partner: Partner
) -> tuple[dict[str, Customer], dict[str, list[Resource]]]:
    customers = {
        name: await make_customer(session, partner, name=name) for name in ("cusa", "cusb", "cusc")
    }
    resources = {
        "cusa": [
            await make_resource(session, customers["cusa"], created_at=hours_ago(i))
            for i in range(1, 6)
        ],
        "cusb": [
            await make_resource(session, customers["cusb"], created_at=hours_ago(i))
            for i in range(1, 3)
        ],
        "cusc": [],
    }
    return customers, resources


async def test_each_customer_gets_its_own_page(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    _, resources = await _customers_with_resources(session, partner)

    # when
    body = await gql(client, CUSTOMERS_WITH_RESOURCES, {"first": 2}, token=token)

    # then
    nodes = body["data"]["customers"]["nodes"]
    assert [n["name"] for n in nodes] == ["cusa", "cusb", "cusc"]
    pages = {n["name"]: n["resources"] for n in nodes}
    assert edge_ids(pages["cusa"]) == rids(resources["cusa"][:2])
    assert pages["cusa"]["totalCount"] == 5
    assert pages["cusa"]["pageInfo"]["hasNextPage"] is True
    assert pages["cusa"]["pageInfo"]["hasPreviousPage"] is False
    assert pages["cusa"]["pageInfo"]["startCursor"] == pages["cusa"]["edges"][0]["cursor"]
    assert pages["cusa"]["pageInfo"]["endCursor"] == pages["cusa"]["edges"][-1]["cursor"]
    assert edge_ids(pages["cusb"]) == rids(resources["cusb"])
    assert pages["cusb"]["totalCount"] == 2
    assert pages["cusb"]["pageInfo"]["hasNextPage"] is False
    assert pages["cusc"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_a_customers_pages_continue_from_its_cursors(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customers, resources = await _customers_with_resources(session, partner)
    listed = await gql(client, CUSTOMERS_WITH_RESOURCES, {"first": 2}, token=token)
    first_page = listed["data"]["customers"]["nodes"][0]["resources"]
    cid = global_id("Customer", customers["cusa"].id)

    # when
    second = await gql(
        client,
        CUSTOMER_RESOURCES,
        {"id": cid, "first": 2, "after": first_page["pageInfo"]["endCursor"]},
        token=token,
    )
    page2 = second["data"]["customer"]["resources"]
    third = await gql(
        client,
        CUSTOMER_RESOURCES,
        {"id": cid, "first": 2, "after": page2["pageInfo"]["endCursor"]},
        token=token,
    )
    page3 = third["data"]["customer"]["resources"]

    # then
    assert edge_ids(page2) == rids(resources["cusa"][2:4])
    assert page2["pageInfo"]["hasNextPage"] is True
    assert page2["pageInfo"]["hasPreviousPage"] is True
    assert edge_ids(page3) == rids(resources["cusa"][4:])
    assert page3["pageInfo"]["hasNextPage"] is False
    assert page3["totalCount"] == 5


async def test_a_customers_pages_walk_backward_with_last_and_before(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customers, resources = await _customers_with_resources(session, partner)
    cid = global_id("Customer", customers["cusa"].id)

    # when
    seen: list[str] = []
    before = None
    pages = 0
    while True:
        body = await gql(
            client, CUSTOMER_RESOURCES, {"id": cid, "last": 2, "before": before}, token=token
        )
        connection = body["data"]["customer"]["resources"]
        seen = edge_ids(connection) + seen
        pages += 1
        assert connection["pageInfo"]["hasNextPage"] is (before is not None)
        if not connection["pageInfo"]["hasPreviousPage"]:
            break
        before = connection["pageInfo"]["startCursor"]

    # then
    assert seen == rids(resources["cusa"])
    assert pages == 3


async def test_customer_resources_take_filters_and_orderings(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    acme = await make_customer(session, partner, name="cusa")
    globex = await make_customer(session, partner, name="cusb")
    acme_rds = [
        await make_resource(session, acme, name="rdsb", service_type=ServiceType.RDS),
        await make_resource(session, acme, name="rdsa", service_type=ServiceType.RDS),
        await make_resource(session, acme, name="rdsc", service_type=ServiceType.RDS),
    ]
    await make_resource(session, acme, name="ecsa", service_type=ServiceType.ECS)
    globex_rds = await make_resource(session, globex, name="rdsz", service_type=ServiceType.RDS)

    # when
    body = await gql(
        client,
        CUSTOMERS_WITH_RESOURCES,
        {
            "first": 2,
            "filter": {"serviceTypes": ["RDS"]},
            "orderBy": {"field": "NAME", "direction": "ASC"},
        },
        token=token,
    )

    # then
    pages = {n["name"]: n["resources"] for n in body["data"]["customers"]["nodes"]}
    assert [e["node"]["name"] for e in pages["cusa"]["edges"]] == ["rdsa", "rdsb"]
    assert edge_ids(pages["cusa"]) == rids([acme_rds[1], acme_rds[0]])
    assert pages["cusa"]["totalCount"] == 3
    assert pages["cusa"]["pageInfo"]["hasNextPage"] is True
    assert edge_ids(pages["cusb"]) == rids([globex_rds])
    assert pages["cusb"]["totalCount"] == 1


async def test_customer_resources_ignore_the_customer_id_filter(client, session):
    # given: the argument is documented as "customerId is ignored here"
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
    body = await gql(
        client,
        CUSTOMER_RESOURCES,
        {
            "id": global_id("Customer", acme.id),
            "filter": {"customerId": global_id("Customer", globex.id)},
            "first": 10,
        },
        token=token,
    )

    # then
    connection = body["data"]["customer"]["resources"]
    assert edge_ids(connection) == rids(acmes)
    assert connection["totalCount"] == 2


async def test_customer_resources_page_size_out_of_range_is_bad_user_input(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    customer = await make_customer(session, partner)
    await make_resource(session, customer)

    # when
    body = await gql(
        client,
        CUSTOMER_RESOURCES,
        {"id": global_id("Customer", customer.id), "first": 101},
        token=token,
    )

    # then: refused before execution (a request error: no `data`), at the `resources` field
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    resources_line = next(
        n for n, line in enumerate(CUSTOMER_RESOURCES.splitlines(), 1) if "resources(" in line
    )
    assert error["locations"][0]["line"] == resources_line
    assert "`first`" in error["message"]
