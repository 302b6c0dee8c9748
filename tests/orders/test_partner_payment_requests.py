"""代付: a customer orders and asks its partner to pay; the partner pays or rejects; then the
customer may pay itself. Refunds go to whoever paid, even after a disassociation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Customer, CustomerAccount
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AssociationChangeKind
from app.models.partners.enums import Role
from app.services.funds import credit
from app.services.lifecycle.association_rules import (
    AssociationChange,
    Initiator,
    Stage,
    association_change_blockers,
    end_association,
)
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
)
from tests.funds.helpers import acting_as, assert_books_balance, platform, recharge
from tests.orders.helpers import (
    CREATE_OWN,
    PAY_OWN,
    REJECT,
    REQUEST,
    allocatable,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)

AWAITING = """
query { orders(filter: {awaitingPartnerPayment: true}) { totalCount nodes { id source } } }
"""


@pytest.fixture
async def world(session):
    return await make_world(session)


@pytest.fixture
async def referral(session, world):
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    return customer, await customer_token(session, customer)


async def create_own(client, token, customer, lines, key="own-1") -> dict:
    body = await gql(
        client,
        CREATE_OWN,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": lines,
                "idempotencyKey": key,
            }
        },
        token=token,
    )
    assert "errors" not in body, body
    return body["data"]["createOrder"]


async def act(client, token, document, order_id, key="act-1") -> dict:
    body = await gql(
        client, document, {"input": {"orderId": order_id, "idempotencyKey": key}}, token=token
    )
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


async def test_partner_pays_a_customers_request(client, session, world, referral):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    assert created["userErrors"] == []
    order_id = created["order"]["id"]
    # the partner cannot pay before it is asked
    refused = await pay(client, world.finance, [order_id], key="early")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("INVALID_STATE", ["input", "orderIds", "0"])
    ]

    asked = await act(client, token, REQUEST, order_id)
    assert asked["order"]["awaitingPartnerPayment"] is True
    listed = (await gql(client, AWAITING, token=world.finance))["data"]["orders"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["source"] == "CUSTOMER"
    # and it blocks a disassociation
    change = AssociationChange(
        AssociationChangeKind.DISASSOCIATION, Initiator.PARTNER, Stage.CONFIRMATION
    )
    blockers = await association_change_blockers(platform(session), customer, change)
    assert [e.code.value for e in blockers] == ["ORDERS_AWAITING_PARTNER_PAYMENT"]

    paid = await pay(client, world.finance, [order_id], key="pay")
    assert paid["userErrors"] == []
    assert paid["orders"][0]["payer"] == "PARTNER"
    assert paid["orders"][0]["partnerPaymentStatus"] == "PAID"
    assert await allocatable(client, world.finance) == "9820.00"
    assert await association_change_blockers(platform(session), customer, change) == []
    await assert_books_balance(session)


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


async def test_refund_after_disassociation_goes_to_the_former_partner(
    client, session, world, referral
):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    await act(client, token, REQUEST, created["order"]["id"])
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, customer)
    await end_association(platform(session), customer)
    # the cloud account joins another partner
    other = await make_partner(session)
    current = await make_customer(session, other)
    current.cloud_account_id = customer.cloud_account_id
    await session.flush()

    unsub = await create_own(
        client,
        token,
        customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="u",
    )

    assert unsub["userErrors"] == []
    (refund,) = unsub["order"]["refunds"]
    assert refund["payee"] == "PARTNER"
    assert await allocatable(client, world.finance) == "10000.00"
    await assert_books_balance(session)
    assert (await session.get(Customer, customer.id)).ended_at is not None


async def test_request_rules(client, session, world, referral):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    order_id = created["order"]["id"]
    await act(client, token, REQUEST, order_id)
    twice = await act(client, token, REQUEST, order_id, key="again")
    assert twice["userErrors"][0]["code"] == "INVALID_STATE"
    # another customer cannot ask for it
    stranger = await make_customer(session, world.partner)
    other_token = await customer_token(session, stranger)
    foreign = await act(client, other_token, REQUEST, order_id, key="x")
    assert foreign["userErrors"][0]["code"] == "NOT_FOUND"
    # a partner user cannot ask on the customer's behalf
    body = await gql(
        client,
        REQUEST,
        {"input": {"orderId": order_id, "idempotencyKey": "p"}},
        token=world.admin,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # rejecting needs a reason
    body = await gql(
        client,
        REJECT,
        {"input": {"orderIds": [order_id], "reason": " ", "idempotencyKey": "r"}},
        token=world.finance,
    )
    assert body["data"]["rejectPartnerPayment"]["userErrors"][0]["field"] == ["input", "reason"]
    # SALES may not reject
    body = await gql(
        client,
        REJECT,
        {"input": {"orderIds": [order_id], "reason": "no", "idempotencyKey": "r2"}},
        token=world.sales,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
