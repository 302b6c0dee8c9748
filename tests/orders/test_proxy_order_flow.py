"""The partner's story end to end: quote, order, pay, resources, renew, change spec,
unsubscribe, refund on the statement -- and `funds verify` stays clean."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import add_months
from app.models import AuditEvent, Order
from tests.factories import global_id, gql, iso
from tests.funds.helpers import assert_books_balance
from tests.orders.helpers import (
    allocatable,
    create_proxy,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)

QUOTE = """
query Quote($input: OrderQuoteInput!) {
  orderQuote(input: $input) {
    quote {
      amountDue { amount } listAmount { amount } discountAmount { amount }
      lines { lineNumber listAmount { amount { amount } rule } discounts { amount { amount } rule }
              couponDeductions { amount { amount } rule } amountDue { amount { amount } rule } }
    }
    userErrors { code field message }
  }
}
"""
STATEMENT = """
query { statement(first: 20) { nodes { kind amount { amount } reference transactionId } } }
"""


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_quote_names_every_rule_and_writes_nothing(client, session, world):
    # given a yearly line (yearly price below 12 months) and a monthly one
    lines = [
        new_line(world.products["ecs"], unit="YEAR", count=1, quantity=2),
        new_line(world.products["evs"], unit="MONTH", count=3),
    ]

    # when
    body = await gql(
        client,
        QUOTE,
        {"input": {"customerId": global_id("Customer", world.customer.id), "lines": lines}},
        token=world.sales,
    )

    # then
    assert "errors" not in body, body
    result = body["data"]["orderQuote"]
    assert result["userErrors"] == []
    yearly, monthly = result["quote"]["lines"]
    assert yearly["listAmount"]["amount"]["amount"] == "4320.00"  # 180 x 12 x 2
    assert yearly["discounts"][0]["amount"]["amount"] == "648.00"  # (2160 - 1836) x 2
    assert yearly["discounts"][0]["rule"].startswith("YEARLY_PRICE")
    assert yearly["couponDeductions"][0]["rule"].startswith("NO_COUPON")
    assert yearly["amountDue"]["amount"]["amount"] == "3672.00"
    assert monthly["amountDue"]["amount"]["amount"] == "300.00"
    assert result["quote"]["amountDue"]["amount"] == "3972.00"
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_order_pay_renew_change_unsubscribe(client, session, world, frozen_clock):
    # given a proxy order for one ECS for 3 months
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)]
    )
    assert created["userErrors"] == []
    order = created["order"]
    assert order["status"] == "PENDING_PAYMENT"
    assert order["amountDue"]["amount"] == "540.00"

    # when the partner pays it
    paid = await pay(client, world.finance, [order["id"]])

    # then it is completed, paid by the partner, and the resource exists
    assert paid["userErrors"] == []
    (done,) = paid["orders"]
    assert done["status"] == "COMPLETED"
    assert done["payer"] == "PARTNER"
    assert done["paidAt"] == iso(frozen_clock.now())
    assert done["payments"][0]["amount"]["amount"] == "540.00"
    (resource,) = await resources_of(session, world.customer)
    assert resource.expires_at == add_months(frozen_clock.now(), 3)
    assert resource.order_id is not None and resource.product_id == world.products["ecs"]
    assert await allocatable(client, world.finance) == "9460.00"
    resource_gid = global_id("Resource", resource.id)

    # when it is renewed for one month, ten days later
    frozen_clock.advance(timedelta(days=10))
    renew = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("RENEW", resource_gid, period={"unit": "MONTH", "count": 1})],
        key="renew",
    )
    assert renew["userErrors"] == []
    await pay(client, world.finance, [renew["order"]["id"]], key="pay-renew")
    (resource,) = await resources_of(session, world.customer)
    assert resource.expires_at == add_months(
        add_months(frozen_clock.now() - timedelta(days=10), 3), 1
    )

    # when its spec is upgraded, the difference for the remaining period is due
    change = await create_proxy(
        client,
        world.sales,
        world.customer,
        [
            resource_line(
                "CHANGE_SPEC",
                resource_gid,
                productId=global_id("Product", world.products["ecs_xl"]),
            )
        ],
        key="change",
    )
    assert change["userErrors"] == []
    remaining_days = (resource.expires_at - frozen_clock.now()).total_seconds() / 86400
    expected = round(180 * remaining_days / 30 + 1e-9, 2)
    assert abs(float(change["order"]["amountDue"]["amount"]) - expected) < 0.011
    await pay(client, world.finance, [change["order"]["id"]], key="pay-change")
    (resource,) = await resources_of(session, world.customer)
    assert resource.product_id == world.products["ecs_xl"]
    before = await allocatable(client, world.finance)

    # when it is unsubscribed (past the 5 full-refund days of the first order)
    unsub = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", resource_gid)],
        key="unsub",
    )

    # then the order completes at once with refunds to the partner, on its statement
    assert unsub["userErrors"] == []
    assert unsub["order"]["status"] == "COMPLETED"
    refunds = unsub["order"]["refunds"]
    assert {r["payee"] for r in refunds} == {"PARTNER"}
    # the renewal and the change were paid today: refunded in full
    total = sum(float(r["amount"]["amount"]) for r in refunds)
    assert total > float(renew["order"]["amountDue"]["amount"])
    after = await allocatable(client, world.finance)
    assert abs(float(after) - float(before) - total) < 0.001
    (resource,) = await resources_of(session, world.customer)
    assert resource.status.value == "DELETED"
    statement = (await gql(client, STATEMENT, token=world.finance))["data"]["statement"]["nodes"]
    refund_lines = [n for n in statement if n["kind"] == "PARTNER_REFUND"]
    assert len(refund_lines) == len(refunds)
    assert {n["transactionId"] for n in refund_lines} == {r["transactionId"] for r in refunds}
    assert all(n["reference"].startswith("Order:") for n in refund_lines)
    await assert_books_balance(session)
    assert await session.scalar(
        select(func.count()).where(AuditEvent.action == "order.refund")
    ) == len(refunds)


async def test_unsubscribe_within_five_days_refunds_in_full(client, session, world, frozen_clock):
    # given a paid yearly order
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], unit="YEAR")]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=4, hours=23))

    # when
    unsub = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsub",
    )

    # then
    (refund,) = unsub["order"]["refunds"]
    assert refund["amount"]["amount"] == "1836.00"
    assert refund["rule"].startswith("FULL_REFUND")
    assert refund["refundedOrder"]["id"] == created["order"]["id"]
    assert await allocatable(client, world.finance) == "10000.00"
    await assert_books_balance(session)


async def test_unsubscribe_later_refunds_the_unused_part_pro_rata(
    client, session, world, frozen_clock
):
    # given a 3-month order paid, then a third of its term used
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    term = resource.expires_at - frozen_clock.now()
    frozen_clock.advance(term / 3)

    # when
    unsub = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsub",
    )

    # then two thirds of 540.00 come back
    (refund,) = unsub["order"]["refunds"]
    assert refund["amount"]["amount"] == "360.00"
    assert refund["rule"].startswith("PRO_RATA_REFUND")
    await assert_books_balance(session)


async def test_downgrade_refunds_the_difference(client, session, world, frozen_clock):
    # given a paid xlarge for 3 months, 10 days in
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs_xl"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=10))

    # when it is downgraded
    change = await create_proxy(
        client,
        world.sales,
        world.customer,
        [
            resource_line(
                "CHANGE_SPEC",
                global_id("Resource", resource.id),
                productId=global_id("Product", world.products["ecs"]),
            )
        ],
        key="down",
    )

    # then nothing is due, the order completes, and the difference goes back to the partner
    order = change["order"]
    assert order["amountDue"]["amount"] == "0.00"
    assert order["status"] == "COMPLETED"
    (refund,) = order["refunds"]
    assert refund["payee"] == "PARTNER"
    assert 0 < float(refund["amount"]["amount"]) <= 1080
    await assert_books_balance(session)


async def test_on_demand_order_completes_at_once(client, session, world):
    line = {"kind": "NEW", "productId": global_id("Product", world.products["ecs_od"])}
    created = await create_proxy(client, world.sales, world.customer, [line])
    assert created["userErrors"] == []
    assert created["order"]["status"] == "COMPLETED"
    (resource,) = await resources_of(session, world.customer)
    assert resource.expires_at is None and resource.billing_mode.value == "ON_DEMAND"
