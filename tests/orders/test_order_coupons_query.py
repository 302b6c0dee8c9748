"""`Order.coupons` (the coupons an order applied, with their shares) through a loader: the
statement count of `orders { nodes { coupons } }` does not grow with the page; who sees it."""

from __future__ import annotations

import pytest

from tests.factories import customer_token, gql, make_customer, make_partner, make_user, token_for
from tests.lifecycle.factories import make_authorization
from tests.orders.coupon_helpers import cid, make_coupon, order_with
from tests.orders.helpers import make_world, new_line

ORDERS = """
query($first: Int) {
  orders(first: $first) {
    nodes {
      id lines { pricingRules pickupVoucherId pickupVoucher { id status } }
      coupons {
        couponId position amount { amount } shares { lineNumber amount { amount } }
        coupon { id kind balance { amount } }
      }
    }
  }
}
"""
ORDER = "query($id: ID!) { order(id: $id) { id coupons { couponId amount { amount } } } }"


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_order_coupons_do_not_grow_statements_with_page_size(
    client, session, world, statements
):
    # given six orders, each with two coupons over two lines
    for n in range(6):
        customer = await make_customer(session, world.partner)
        await make_authorization(session, customer)
        coupons = [
            await make_coupon(session, customer, value="10"),
            await make_coupon(session, customer, kind="DISCOUNT", value="50"),
        ]
        lines = [new_line(world.products["ecs"]), new_line(world.products["evs"])]
        created = await order_with(client, world.admin, customer, lines, coupons, key=f"k{n}")
        assert created["userErrors"] == []
    await gql(client, ORDERS, {"first": 1}, token=world.admin)  # warm up

    # when
    counts = []
    for first in (2, 6):
        statements.reset()
        statements.active = True
        body = await gql(client, ORDERS, {"first": first}, token=world.admin)
        statements.active = False
        assert "errors" not in body, body
        counts.append(statements.count)

    # then
    assert counts[0] == counts[1]
    nodes = body["data"]["orders"]["nodes"]
    assert len(nodes) == 6
    assert all([c["position"] for c in n["coupons"]] == [0, 1] for n in nodes)
    assert all(len(c["shares"]) == 2 for n in nodes for c in n["coupons"])
    assert all(c["coupon"]["id"] == c["couponId"] for n in nodes for c in n["coupons"])
    assert [c["coupon"]["kind"] for c in nodes[0]["coupons"]] == ["DISCOUNT", "CASH"]


async def test_the_customer_sees_its_orders_coupons_another_partner_sees_nothing(
    client, session, world
):
    coupon = await make_coupon(session, world.customer, value="10")
    created = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], [coupon]
    )
    order_id = created["order"]["id"]

    own = await gql(
        client, ORDER, {"id": order_id}, token=await customer_token(session, world.customer)
    )
    other = await token_for(session, await make_user(session, await make_partner(session)))
    foreign = await gql(client, ORDER, {"id": order_id}, token=other)

    assert own["data"]["order"]["coupons"] == [
        {"couponId": cid(coupon), "amount": {"amount": "10.00"}}
    ]
    assert foreign["data"]["order"] is None
