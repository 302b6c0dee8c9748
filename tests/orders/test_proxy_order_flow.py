"""The partner's story end to end: order, pay, resources, renew, change spec, unsubscribe,
refund on the statement -- and the books stay balanced. (The quote is in
test_order_quote_query.py, the refund rules in test_order_refunds.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import add_months
from app.models import AuditEvent
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

STATEMENT = """
query { statement(first: 20) { nodes { kind amount { amount } reference transactionId } } }
"""


@pytest.fixture
async def world(session):
    return await make_world(session)


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
