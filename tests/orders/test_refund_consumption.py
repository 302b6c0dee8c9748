"""Refunds reverse what they refund in the consumption data: a refunded yearly/monthly order
keeps its own line, and each refund adds a negative REFUND line in the open cycle naming the
refunded order -- for proxy, partner-paid (代付) and customer-paid orders, full and pro rata,
after the purchase's cycle closed and after the customer left the partner. Summaries equal
what was finally paid; details, rollups and the ledger still reconcile to the cent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import ConsumptionDetail, ConsumptionRollup, Order, OrderPayment, OrderRefund
from app.models.consumption.enums import DetailKind
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.verify import verify as verify_consumption
from app.services.lifecycle.association_rules import end_association
from tests.factories import global_id, gql, make_customer, make_partner, make_user, token_for
from tests.funds.helpers import assert_books_balance, platform, recharge
from tests.orders.helpers import (
    PAY_OWN,
    REQUEST,
    act,
    create_own,
    create_proxy,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)

SUMMARY = """
query Summary($filter: ConsumptionFilter) {
  consumptionSummary(groupBy: [CYCLE, CUSTOMER], filter: $filter) {
    rows { cycle lines amounts { amountDue { amount } } }
  }
}
"""
REFUND_LINES = """
{ consumptionDetails(
    first: 10, filter: {kinds: [REFUND], cycleFrom: "2026-06", cycleTo: "2026-07"}
  ) {
    nodes { kind billCycle correctsCycle order { id } customer { id }
            amounts { amountDue { amount } cashPaid { amount } } } } }
"""


@pytest.fixture
async def world(session):
    return await make_world(session)


async def lines(session, customer) -> list[ConsumptionDetail]:
    return list(
        await session.scalars(
            select(ConsumptionDetail)
            .where(ConsumptionDetail.customer_id == customer.id)
            .order_by(ConsumptionDetail.id)
            .execution_options(populate_existing=True)
        )
    )


async def unsubscribe(client, token, customer, resource, *, own=False) -> dict:
    line = [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))]
    if own:
        return await create_own(client, token, customer, line, key="unsub")
    return await create_proxy(client, token, customer, line, key="unsub")


async def paid_net_of_refunds(session, customer) -> Decimal:
    """What was finally paid for the customer's orders: payments less refunds."""
    orders = select(Order.id).where(Order.customer_id == customer.id)
    paid = sum(
        await session.scalars(select(OrderPayment.amount).where(OrderPayment.order_id.in_(orders))),
        Decimal(0),
    )
    refunded = sum(
        await session.scalars(
            select(OrderRefund.amount).where(OrderRefund.refunded_order_id.in_(orders))
        ),
        Decimal(0),
    )
    return paid - refunded


async def summary_due(client, token, cycle: str) -> list[tuple[str, str]]:
    body = await gql(
        client, SUMMARY, {"filter": {"cycleFrom": cycle, "cycleTo": cycle}}, token=token
    )
    assert "errors" not in body, body
    rows = body["data"]["consumptionSummary"]["rows"]
    return [(r["cycle"], r["amounts"]["amountDue"]["amount"]) for r in rows]


async def test_a_full_refund_is_the_exact_negative_of_the_order_line(
    client, session, world, frozen_clock
):
    # given a paid yearly proxy order
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], unit="YEAR")]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=4))

    # when it is unsubscribed within five days
    unsub = await unsubscribe(client, world.sales, world.customer, resource)

    # then the order keeps its line and the refund adds its exact negative, naming the order
    assert unsub["order"]["refunds"][0]["amount"]["amount"] == "1836.00"
    bought, refund = await lines(session, world.customer)
    assert bought.kind is DetailKind.PREPAID and bought.amount_due == Decimal("1836")
    assert refund.kind is DetailKind.REFUND
    assert (refund.bill_cycle, refund.day.isoformat()) == ("2026-06", "2026-06-19")
    assert (refund.corrects_cycle, refund.corrects_day) == (bought.bill_cycle, bought.day)
    assert refund.order_id == bought.order_id
    assert (refund.partner_id, refund.resource_id) == (world.partner.id, resource.id)
    for name in ("usage", "list_amount", "discount", "coupon", "cash_paid", "amount_due"):
        assert getattr(refund, name) == -getattr(bought, name), name
    assert refund.credit_paid == 0
    # the API shows the line with the refunded order; the cycle nets to what was paid: 0
    body = await gql(client, REFUND_LINES, token=world.viewer)
    assert "errors" not in body, body
    (node,) = body["data"]["consumptionDetails"]["nodes"]
    assert node["order"]["id"] == created["order"]["id"]
    assert node["amounts"] == {
        "amountDue": {"amount": "-1836.00000000"},
        "cashPaid": {"amount": "-1836.00000000"},
    }
    assert await summary_due(client, world.viewer, "2026-06") == [("2026-06", "0.00000000")]
    assert await paid_net_of_refunds(session, world.customer) == 0
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_a_pro_rata_refund_reverses_the_unused_part(client, session, world, frozen_clock):
    # given a 3-month proxy order paid, then a third of its term used
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance((resource.expires_at - frozen_clock.now()) / 3)

    # when
    await unsubscribe(client, world.sales, world.customer, resource)

    # then two thirds of 540.00 are reversed; the cycle shows the 180.00 finally paid
    _, refund = await lines(session, world.customer)
    assert (refund.kind, refund.amount_due, refund.cash_paid) == (
        DetailKind.REFUND,
        Decimal("-360"),
        Decimal("-360"),
    )
    assert refund.list_amount - refund.discount - refund.coupon == refund.amount_due
    assert refund.bill_cycle == "2026-07"  # the cycle open when the money came back
    assert refund.corrects_cycle == "2026-06"
    assert await paid_net_of_refunds(session, world.customer) == Decimal("180.00")
    assert await summary_due(client, world.viewer, "2026-06") == [("2026-06", "540.00000000")]
    assert await summary_due(client, world.viewer, "2026-07") == [("2026-07", "-360.00000000")]
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_a_refund_after_the_cycle_closed_goes_to_the_open_cycle(
    client, session, world, frozen_clock
):
    # given an order paid in June, whose cycle is closed in July
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=20))
    await close_bill_cycle(platform(session), "2026-06")
    june = [
        (r.lines, r.list_amount, r.amount_due, r.cash_paid)
        for r in await session.scalars(
            select(ConsumptionRollup).where(ConsumptionRollup.bill_cycle == "2026-06")
        )
    ]

    # when it is unsubscribed
    unsub = await unsubscribe(client, world.sales, world.customer, resource)

    # then the refund line is in July, pointing at June; June's numbers did not change
    (refund_row,) = unsub["order"]["refunds"]
    assert refund_row["rule"].startswith("PRO_RATA_REFUND")
    _, refund = await lines(session, world.customer)
    assert (refund.bill_cycle, refund.corrects_cycle) == ("2026-07", "2026-06")
    assert refund.amount_due == -Decimal(refund_row["amount"]["amount"])
    after = [
        (r.lines, r.list_amount, r.amount_due, r.cash_paid)
        for r in await session.scalars(
            select(ConsumptionRollup)
            .where(ConsumptionRollup.bill_cycle == "2026-06")
            .execution_options(populate_existing=True)
        )
    ]
    assert after == june
    assert await summary_due(client, world.viewer, "2026-06") == [("2026-06", "540.00000000")]
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_a_customer_paid_order_refunds_into_its_line(client, session, world, referral):
    # given a REFERRAL customer's own order, paid from its own account
    customer, token = referral
    await recharge(session, world.partner, "500.00", customer=customer)
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    assert (await act(client, token, PAY_OWN, created["order"]["id"], key="pay"))[
        "userErrors"
    ] == []
    (resource,) = await resources_of(session, customer)

    # when the customer unsubscribes within five days
    unsub = await unsubscribe(client, token, customer, resource, own=True)

    # then the refund went back to the customer and its line reverses the order's
    assert unsub["order"]["refunds"][0]["payee"] == "CUSTOMER"
    bought, refund = await lines(session, customer)
    assert refund.kind is DetailKind.REFUND
    assert refund.amount_due == -bought.amount_due == Decimal("-180")
    assert refund.cash_paid == -bought.cash_paid
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_a_partner_paid_request_refunds_into_its_line(
    client, session, world, referral, frozen_clock
):
    # given a customer's order the partner paid on request (代付), 10 days used of a month
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["evs"])])
    await act(client, token, REQUEST, created["order"]["id"])
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, customer)
    frozen_clock.advance(timedelta(days=10))

    # when
    unsub = await unsubscribe(client, token, customer, resource, own=True)

    # then the partner got the unused part back and the line says so
    (refund_row,) = unsub["order"]["refunds"]
    assert (refund_row["payee"], refund_row["rule"][:15]) == ("PARTNER", "PRO_RATA_REFUND")
    bought, refund = await lines(session, customer)
    assert refund.amount_due == -Decimal(refund_row["amount"]["amount"])
    assert 0 < -refund.amount_due < bought.amount_due
    assert await paid_net_of_refunds(session, customer) == bought.amount_due + refund.amount_due
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_a_downgrade_refund_reverses_the_difference(client, session, world, frozen_clock):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs_xl"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=10))

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

    (refund_row,) = change["order"]["refunds"]
    bought, refund = await lines(session, world.customer)
    assert refund.kind is DetailKind.REFUND and refund.order_id == bought.order_id
    assert refund.amount_due == -Decimal(refund_row["amount"]["amount"])
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_each_refunded_term_gets_its_line(client, session, world, frozen_clock):
    # given a month bought, then renewed for two more
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    renew = await create_proxy(
        client,
        world.sales,
        world.customer,
        [
            resource_line(
                "RENEW", global_id("Resource", resource.id), period={"unit": "MONTH", "count": 2}
            )
        ],
        key="renew",
    )
    await pay(client, world.finance, [renew["order"]["id"]], key="pay-2")

    # when it is unsubscribed at once
    unsub = await unsubscribe(client, world.sales, world.customer, resource)

    # then both paid orders are refunded in full, each by its own line
    assert len(unsub["order"]["refunds"]) == 2
    details = await lines(session, world.customer)
    refunds = [d for d in details if d.kind is DetailKind.REFUND]
    bought = {d.order_id: d.amount_due for d in details if d.kind is DetailKind.PREPAID}
    assert {d.order_id: -d.amount_due for d in refunds} == bought
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_a_refund_after_disassociation_stays_with_the_former_partner(
    client, session, world, referral
):
    # given a partner-paid order of a customer that then left for another partner
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    await act(client, token, REQUEST, created["order"]["id"])
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, customer)
    await end_association(platform(session), customer)
    other = await make_partner(session)
    other_viewer = await token_for(session, await make_user(session, other))
    current = await make_customer(session, other)
    current.cloud_account_id = customer.cloud_account_id
    await session.flush()

    # when the customer unsubscribes
    unsub = await unsubscribe(client, token, customer, resource, own=True)

    # then the refund line is the former partner's, for the customer it had
    assert unsub["userErrors"] == []
    _, refund = await lines(session, customer)
    assert (refund.kind, refund.partner_id) == (DetailKind.REFUND, world.partner.id)
    body = await gql(client, REFUND_LINES, token=world.viewer)
    (node,) = body["data"]["consumptionDetails"]["nodes"]
    assert node["customer"]["id"] == global_id("Customer", customer.id)
    assert node["order"]["id"] == created["order"]["id"]
    other_body = await gql(client, REFUND_LINES, token=other_viewer)
    assert other_body["data"]["consumptionDetails"]["nodes"] == []
    assert await verify_consumption(session) == []
    await assert_books_balance(session)
