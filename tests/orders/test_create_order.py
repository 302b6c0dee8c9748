"""createOrder: a customer's own order -- who may order, for which customer, and its refusals;
an UNSUBSCRIBE after the association ended refunds the former partner."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import Customer, Order
from app.services.funds import credit
from app.services.lifecycle.association_rules import end_association
from tests.factories import customer_token, global_id, gql, make_customer, make_partner, make_user
from tests.funds.helpers import acting_as, assert_books_balance, platform
from tests.orders.helpers import (
    CREATE_OWN,
    REQUEST,
    act,
    allocatable,
    create_own,
    errors,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)
from tests.rows import reread


@pytest.fixture
async def world(session):
    return await make_world(session)


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
    assert (await reread(session, Customer, customer.id)).ended_at is not None


def own_input(customer, lines, key="own-1") -> dict:
    return {
        "input": {
            "customerId": global_id("Customer", customer.id),
            "lines": lines,
            "idempotencyKey": key,
        }
    }


async def test_a_partner_user_cannot_place_a_customers_own_order(client, session, world):
    body = await gql(
        client,
        CREATE_OWN,
        own_input(world.customer, [new_line(world.products["ecs"])]),
        token=world.admin,
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_another_customer_is_not_found(client, session, world):
    # given a customer's token and another customer of the same partner
    token = await customer_token(session, world.customer)
    stranger = await make_customer(session, world.partner)

    # when the customer orders for it
    payload = await create_own(client, token, stranger, [new_line(world.products["ecs"])])

    # then
    assert payload["order"] is None
    assert errors(payload["userErrors"]) == [("NOT_FOUND", ["input", "customerId"])]


async def test_an_ended_association_takes_no_new_order(client, session, world):
    token = await customer_token(session, world.customer)
    world.customer.ended_at = clock.now() - timedelta(days=1)
    await session.flush()

    payload = await create_own(client, token, world.customer, [new_line(world.products["ecs"])])

    assert errors(payload["userErrors"]) == [("ASSOCIATION_ENDED", ["input", "customerId"])]
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_a_customer_in_arrears_is_refused(client, session, world):
    token = await customer_token(session, world.customer)
    admin = acting_as(session, await make_user(session, world.partner))
    await credit.charge(admin, world.customer, Decimal("5.00"), reference="test")

    payload = await create_own(client, token, world.customer, [new_line(world.products["ecs"])])

    assert errors(payload["userErrors"]) == [("ARREARS", ["input", "customerId"])]


async def test_invalid_lines_are_reported_with_their_path(client, session, world):
    token = await customer_token(session, world.customer)

    empty = await create_own(client, token, world.customer, [], key="empty")
    unknown = await create_own(
        client, token, world.customer, [{"kind": "NEW", "productId": "nonsense"}], key="unknown"
    )
    zero = await create_own(
        client, token, world.customer, [new_line(world.products["ecs"], quantity=0)], key="zero"
    )

    assert errors(empty["userErrors"]) == [("INVALID_INPUT", ["input", "lines"])]
    assert errors(unknown["userErrors"]) == [("NOT_FOUND", ["input", "lines", "0", "productId"])]
    assert errors(zero["userErrors"]) == [("INVALID_INPUT", ["input", "lines", "0", "quantity"])]
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_replay_returns_the_first_order_and_a_reused_key_is_refused(client, session, world):
    token = await customer_token(session, world.customer)
    lines = [new_line(world.products["ecs"])]

    first = await create_own(client, token, world.customer, lines, key="same")
    again = await create_own(client, token, world.customer, lines, key="same")
    other = await create_own(
        client, token, world.customer, [new_line(world.products["evs"])], key="same"
    )

    assert first["userErrors"] == [] and first["order"]["source"] == "CUSTOMER"
    assert again["order"]["id"] == first["order"]["id"]
    assert errors(other["userErrors"]) == [("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])]
    assert await session.scalar(select(func.count()).select_from(Order)) == 1
