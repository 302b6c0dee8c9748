"""requestPartnerPayment (代付): a customer asks its partner to pay an order; the partner pays
it (payOrders) and the request blocks a disassociation meanwhile; the request's refusals."""

from __future__ import annotations

import pytest

from app import clock
from app.models.lifecycle.enums import AssociationChangeKind
from app.services.lifecycle.association_rules import (
    AssociationChange,
    Initiator,
    Stage,
    association_change_blockers,
)
from tests.factories import customer_token, global_id, gql, make_customer
from tests.funds.helpers import assert_books_balance, platform
from tests.orders.helpers import (
    CANCEL,
    REJECT,
    REQUEST,
    act,
    allocatable,
    create_own,
    errors,
    make_world,
    new_line,
    pay,
)


@pytest.fixture
async def world(session):
    return await make_world(session)


AWAITING = """
query { orders(filter: {awaitingPartnerPayment: true}) { totalCount nodes { id source } } }
"""


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


async def test_a_missing_or_cancelled_order_cannot_be_asked_for(client, session, world, referral):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    order_id = created["order"]["id"]
    assert (await act(client, token, CANCEL, order_id, key="cancel"))["userErrors"] == []

    cancelled = await act(client, token, REQUEST, order_id, key="ask")
    missing = await act(client, token, REQUEST, global_id("Order", 999_999), key="missing")

    assert errors(cancelled["userErrors"]) == [("INVALID_STATE", ["input", "orderId"])]
    assert errors(missing["userErrors"]) == [("NOT_FOUND", ["input", "orderId"])]


async def test_an_ended_association_cannot_ask(client, session, world, referral):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    customer.ended_at = clock.now()
    await session.flush()

    asked = await act(client, token, REQUEST, created["order"]["id"])

    assert errors(asked["userErrors"]) == [("ASSOCIATION_ENDED", ["input", "orderId"])]


async def test_the_customer_asks_again_after_a_rejection(client, session, world, referral):
    # given a request the partner rejected
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    order_id = created["order"]["id"]
    await act(client, token, REQUEST, order_id)
    body = await gql(
        client,
        REJECT,
        {"input": {"orderIds": [order_id], "reason": "Later", "idempotencyKey": "r"}},
        token=world.finance,
    )
    assert body["data"]["rejectPartnerPayment"]["userErrors"] == []

    # when the customer asks again
    again = await act(client, token, REQUEST, order_id, key="again")

    # then the order awaits the partner's payment once more
    assert again["userErrors"] == []
    assert again["order"]["awaitingPartnerPayment"] is True
    assert again["order"]["partnerPaymentStatus"] == "REQUESTED"
