"""Reading orders: filters, order(id)/node, Customer.orders, Resource.orders, isolation,
and no N+1 on nested lines/payments/refunds."""

from __future__ import annotations

import pytest

from app.models.customers.enums import AssociationType
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import create_proxy, make_world, new_line, pay, resources_of

ORDERS = """
query($filter: OrderFilter, $orderBy: OrderOrder, $first: Int) {
  orders(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    nodes { id kind status amountDue { amount } customer { id }
            lines { lineNumber product { code } } payments { payer } refunds { payee } }
  }
}
"""
NESTED = """
query($customer: ID!, $resource: ID!, $order: ID!) {
  customer: node(id: $customer) { ... on Customer { orders(first: 5) { totalCount nodes { id } } } }
  resource: node(id: $resource) { ... on Resource { orders { id kind } } }
  order: node(id: $order) { ... on Order { id status } }
}
"""


@pytest.fixture
async def world(session):
    return await make_world(session)


async def orders(client, token, **variables):
    body = await gql(client, ORDERS, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["orders"]


async def test_filters_and_ordering(client, session, world, frozen_clock):
    a = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)], key="a"
    )
    b = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["evs"])], key="b"
    )
    await pay(client, world.finance, [a["order"]["id"]])
    found = await orders(client, world.admin, filter={"statuses": ["COMPLETED"]})
    assert [n["id"] for n in found["nodes"]] == [a["order"]["id"]]
    assert found["nodes"][0]["payments"] == [{"payer": "PARTNER"}]
    found = await orders(client, world.admin, orderBy={"field": "AMOUNT_DUE", "direction": "ASC"})
    assert [n["id"] for n in found["nodes"]] == [b["order"]["id"], a["order"]["id"]]
    found = await orders(client, world.admin, filter={"kinds": ["UNSUBSCRIBE"]})
    assert found["totalCount"] == 0
    found = await orders(
        client, world.viewer, filter={"customerId": global_id("Customer", world.customer.id)}
    )
    assert found["totalCount"] == 2
    found = await orders(
        client, world.admin, filter={"createdBetween": {"from": "2030-01-01T00:00:00Z"}}
    )
    assert found["totalCount"] == 0


async def test_nested_orders_of_customer_and_resource(client, session, world):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    body = await gql(
        client,
        NESTED,
        {
            "customer": global_id("Customer", world.customer.id),
            "resource": global_id("Resource", resource.id),
            "order": created["order"]["id"],
        },
        token=world.admin,
    )
    data = body["data"]
    assert data["customer"]["orders"] == {
        "totalCount": 1,
        "nodes": [{"id": created["order"]["id"]}],
    }
    assert data["resource"]["orders"] == [{"id": created["order"]["id"], "kind": "NEW"}]
    assert data["order"]["status"] == "COMPLETED"


async def test_isolation_between_partners_sales_and_customers(client, session, world):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    other = await make_partner(session)
    other_admin = await token_for(session, await make_user(session, other))
    assert (await orders(client, other_admin))["totalCount"] == 0
    body = await gql(
        client,
        "query($id: ID!) { order(id: $id) { id } }",
        {"id": created["order"]["id"]},
        token=other_admin,
    )
    assert body["data"]["order"] is None
    # a SALES user sees only its managed customers' orders
    other_sales = await token_for(session, await make_user(session, world.partner, Role.SALES))
    assert (await orders(client, other_sales))["totalCount"] == 0
    # a customer sees its own orders only
    assert (await orders(client, await customer_token(session, world.customer)))["totalCount"] == 1
    stranger = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    assert (await orders(client, await customer_token(session, stranger)))["totalCount"] == 0


async def test_nested_lists_do_not_grow_statements_with_page_size(
    client, session, world, statements
):
    for n in range(6):
        customer = await make_customer(session, world.partner, manager=None)
        await make_authorization(session, customer)
        await create_proxy(
            client, world.admin, customer, [new_line(world.products["ecs"])], key=f"k{n}"
        )
    await orders(client, world.admin, first=1)  # warm up
    counts = []
    for first in (2, 6):
        statements.reset()
        statements.active = True
        await orders(client, world.admin, first=first)
        statements.active = False
        counts.append(statements.count)
    assert counts[0] == counts[1]


CUSTOMER_ORDERS = """
query($first: Int) {
  customers(first: $first) {
    nodes { orders(first: 3) { totalCount nodes { id lines { amountDue { amount } } } } }
  }
}
"""


async def test_customer_orders_are_batched(client, session, world, statements):
    for n in range(6):
        customer = await make_customer(session, world.partner)
        await make_authorization(session, customer)
        await create_proxy(
            client, world.admin, customer, [new_line(world.products["ecs"])], key=f"k{n}"
        )
    await gql(client, CUSTOMER_ORDERS, {"first": 1}, token=world.admin)  # warm up
    counts = []
    for first in (2, 7):
        statements.reset()
        statements.active = True
        body = await gql(client, CUSTOMER_ORDERS, {"first": first}, token=world.admin)
        statements.active = False
        assert "errors" not in body, body
        counts.append(statements.count)
    assert counts[0] == counts[1]
    totals = [c["orders"]["totalCount"] for c in body["data"]["customers"]["nodes"]]
    assert sorted(totals) == [0, 1, 1, 1, 1, 1, 1]
