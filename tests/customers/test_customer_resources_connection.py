"""`Customer.resources`: each customer's own connection, its pages, filters and orderings."""

from __future__ import annotations

from typing import Any

from app.models import Customer, Partner, Resource
from app.models.customers.enums import ServiceType
from tests.customers.resources_query_helpers import (
    CUSTOMER_RESOURCES,
    admin_token,
    edge_ids,
    hours_ago,
    rids,
)
from tests.factories import global_id, gql, make_customer, make_partner, make_resource

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
