"""cancelOrder: the partner (ADMIN, SALES) or the customer cancels an unpaid order; refusals."""

from __future__ import annotations

import pytest

from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import CANCEL, act, create_proxy, errors, make_world, new_line, pay

ORDER = "query($id: ID!) { order(id: $id) { id status } }"


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_partner_and_customer_cancel(client, session, world):
    first = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], key="1"
    )
    second = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], key="2"
    )
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": first["order"]["id"], "idempotencyKey": "c"}},
        token=world.sales,
    )
    assert body["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": first["order"]["id"], "idempotencyKey": "c2"}},
        token=world.sales,
    )
    assert body["data"]["cancelOrder"]["userErrors"][0]["code"] == "INVALID_STATE"
    token = await customer_token(session, world.customer)
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": second["order"]["id"], "idempotencyKey": "c"}},
        token=token,
    )
    assert body["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": second["order"]["id"], "idempotencyKey": "f"}},
        token=world.finance,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_missing_or_another_partners_order_is_not_found(client, session, world):
    # given another partner's order
    other = await make_partner(session)
    stranger = await make_customer(session, other)
    await make_authorization(session, stranger)
    other_admin = await token_for(session, await make_user(session, other))
    theirs = await create_proxy(client, other_admin, stranger, [new_line(world.products["ecs"])])

    # when
    foreign = await act(client, world.sales, CANCEL, theirs["order"]["id"], key="foreign")
    missing = await act(client, world.sales, CANCEL, global_id("Order", 999_999), key="missing")

    # then
    assert errors(foreign["userErrors"]) == [("NOT_FOUND", ["input", "orderId"])]
    assert errors(missing["userErrors"]) == [("NOT_FOUND", ["input", "orderId"])]
    body = await gql(client, ORDER, {"id": theirs["order"]["id"]}, token=other_admin)
    assert body["data"]["order"]["status"] == "PENDING_PAYMENT"


async def test_another_customer_cannot_cancel(client, session, world):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    stranger = await customer_token(session, await make_customer(session, world.partner))

    payload = await act(client, stranger, CANCEL, created["order"]["id"])

    assert errors(payload["userErrors"]) == [("NOT_FOUND", ["input", "orderId"])]


async def test_a_paid_order_cannot_be_cancelled(client, session, world):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    assert (await pay(client, world.finance, [created["order"]["id"]]))["userErrors"] == []

    payload = await act(client, world.admin, CANCEL, created["order"]["id"])

    assert errors(payload["userErrors"]) == [("INVALID_STATE", ["input", "orderId"])]


async def test_the_platform_cannot_cancel(client, session, world):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )

    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": created["order"]["id"], "idempotencyKey": "c"}},
        token=await platform_token(session),
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_replay_returns_the_first_outcome(client, session, world):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )

    first = await act(client, world.sales, CANCEL, created["order"]["id"], key="same")
    again = await act(client, world.sales, CANCEL, created["order"]["id"], key="same")

    assert first["userErrors"] == [] and first["order"]["status"] == "CANCELLED"
    assert again == first
