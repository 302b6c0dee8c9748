"""payOrder: the customer pays its own order (cash, then credit), not while its partner is
asked; refusals and replays."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import CustomerAccount, OrderPayment
from app.models.partners.enums import Role
from app.services.funds import credit
from tests.factories import customer_token, global_id, gql, make_customer, make_user
from tests.funds.helpers import acting_as, assert_books_balance, recharge
from tests.orders.helpers import (
    CANCEL,
    PAY_OWN,
    REJECT,
    REQUEST,
    act,
    create_own,
    errors,
    make_world,
    new_line,
    resource_line,
    resources_of,
)


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_rejected_request_then_customer_pays_itself(client, session, world, referral):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    order_id = created["order"]["id"]
    await act(client, token, REQUEST, order_id)
    # the customer cannot pay while its partner is asked
    waiting = await act(client, token, PAY_OWN, order_id, key="pay-early")
    assert waiting["userErrors"][0]["code"] == "INVALID_STATE"

    body = await gql(
        client,
        REJECT,
        {
            "input": {
                "orderIds": [order_id, global_id("Order", 999999)],
                "reason": "Budget",
                "idempotencyKey": "rej",
            }
        },
        token=world.finance,
    )
    rejected = body["data"]["rejectPartnerPayment"]
    assert [o["partnerPaymentStatus"] for o in rejected["orders"]] == ["REJECTED"]
    assert rejected["orders"][0]["partnerPaymentRejectReason"] == "Budget"
    assert [(e["code"], e["field"]) for e in rejected["userErrors"]] == [
        ("NOT_FOUND", ["input", "orderIds", "1"])
    ]

    # not enough money of its own
    poor = await act(client, token, PAY_OWN, order_id, key="pay-poor")
    assert poor["userErrors"][0]["code"] == "INSUFFICIENT_BALANCE"
    await recharge(session, world.partner, "200.00", customer=customer)
    paid = await act(client, token, PAY_OWN, order_id, key="pay-own")
    assert paid["userErrors"] == []
    assert paid["order"] == {"id": order_id, "status": "COMPLETED", "payer": "CUSTOMER"}
    account = await session.scalar(
        select(CustomerAccount)
        .where(CustomerAccount.customer_id == customer.id)
        .execution_options(populate_existing=True)
    )
    assert account.balance == Decimal("20.00")
    # a replay answers the first outcome
    again = await act(client, token, PAY_OWN, order_id, key="pay-own")
    assert again == paid
    await assert_books_balance(session)


async def test_customer_pays_with_credit_and_gets_its_refund(client, session, world):
    customer, token = world.customer, await customer_token(session, world.customer)
    finance = acting_as(session, await make_user(session, world.partner, Role.FINANCE))
    await credit.set_customer_credit_limit(finance, customer.id, Decimal("500.00"))
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    paid = await act(client, token, PAY_OWN, created["order"]["id"], key="p")
    assert paid["userErrors"] == []
    (resource,) = await resources_of(session, customer)
    unsub = await create_own(
        client,
        token,
        customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="u",
    )
    (refund,) = unsub["order"]["refunds"]
    assert refund["payee"] == "CUSTOMER" and refund["amount"]["amount"] == "180.00"
    await assert_books_balance(session)


async def own_order(client, session, world) -> tuple[str, str]:
    token = await customer_token(session, world.customer)
    created = await create_own(client, token, world.customer, [new_line(world.products["ecs"])])
    assert created["userErrors"] == [], created
    return token, created["order"]["id"]


async def test_a_partner_user_cannot_pay_as_the_customer(client, session, world):
    _, order_id = await own_order(client, session, world)

    body = await gql(
        client,
        PAY_OWN,
        {"input": {"orderId": order_id, "idempotencyKey": "p"}},
        token=world.finance,
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_missing_or_another_customers_order_is_not_found(client, session, world):
    # given an order of another customer of the same partner
    _, order_id = await own_order(client, session, world)
    stranger = await customer_token(session, await make_customer(session, world.partner))

    # when
    foreign = await act(client, stranger, PAY_OWN, order_id, key="foreign")
    missing = await act(client, stranger, PAY_OWN, global_id("Order", 999_999), key="missing")

    # then
    assert errors(foreign["userErrors"]) == [("NOT_FOUND", ["input", "orderId"])]
    assert errors(missing["userErrors"]) == [("NOT_FOUND", ["input", "orderId"])]
    assert foreign["order"] is None


async def test_a_cancelled_order_cannot_be_paid(client, session, world):
    token, order_id = await own_order(client, session, world)
    await recharge(session, world.partner, "200.00", customer=world.customer)
    cancelled = await act(client, token, CANCEL, order_id, key="cancel")
    assert cancelled["userErrors"] == []

    paid = await act(client, token, PAY_OWN, order_id, key="pay")

    assert errors(paid["userErrors"]) == [("INVALID_STATE", ["input", "orderId"])]
    assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 0


async def test_an_ended_association_cannot_pay(client, session, world):
    token, order_id = await own_order(client, session, world)
    await recharge(session, world.partner, "200.00", customer=world.customer)
    world.customer.ended_at = clock.now()
    await session.flush()

    paid = await act(client, token, PAY_OWN, order_id, key="pay")

    assert errors(paid["userErrors"]) == [("ASSOCIATION_ENDED", ["input", "orderId"])]
    assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 0
