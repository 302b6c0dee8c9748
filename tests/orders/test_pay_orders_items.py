"""payOrders / rejectPartnerPayment: per-item results (`items`), a savepoint per item, replays
of the items, and the deprecated `orders` field that still answers for one release."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.globalid import from_global_id
from app.models import LedgerTransaction, Order, OrderPayment
from app.models.orders.enums import OrderStatus
from app.services.core.errors import DomainError, ErrorCode
from app.services.orders import payments
from tests.factories import customer_token, global_id, gql
from tests.funds.helpers import assert_books_balance
from tests.orders.helpers import (
    CREATE_OWN,
    REQUEST,
    allocatable,
    create_proxy,
    make_world,
    new_line,
)

PAY_ITEMS = """
mutation Pay($input: PayOrdersInput!) {
  payOrders(input: $input) {
    items { index order { id status payer } userErrors { code field message } }
    orders { id }
    userErrors { code field }
  }
}
"""
REJECT_ITEMS = """
mutation Reject($input: RejectPartnerPaymentInput!) {
  rejectPartnerPayment(input: $input) {
    items { index order { id partnerPaymentStatus } userErrors { code field } }
    orders { id }
    userErrors { code field }
  }
}
"""


@pytest.fixture
async def world(session):
    return await make_world(session, money="1000.00")


async def order(client, world, months: int, key: str) -> str:
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=months)], key
    )
    assert created["userErrors"] == [], created
    return created["order"]["id"]


async def pay_items(client, token, order_ids, key) -> dict:
    body = await gql(
        client, PAY_ITEMS, {"input": {"orderIds": order_ids, "idempotencyKey": key}}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["payOrders"]


def errors(entries) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in entries]


async def test_good_items_beside_bad_ones(client, session, world):
    # given orders of 540 (3 months), 180 and 540, and a missing one, with 1,000.00
    ids = [await order(client, world, 3, "a"), await order(client, world, 1, "b")]
    ids += [await order(client, world, 3, "c"), global_id("Order", 999_999)]

    # when
    result = await pay_items(client, world.finance, ids, "items")

    # then each input has its entry at its index: paid, or refused with its own errors
    items = result["items"]
    assert [item["index"] for item in items] == [0, 1, 2, 3]
    assert [item["order"]["id"] if item["order"] else None for item in items] == [
        ids[0],
        ids[1],
        None,
        None,
    ]
    assert items[0]["order"]["status"] == "COMPLETED" and items[0]["order"]["payer"] == "PARTNER"
    assert [errors(item["userErrors"]) for item in items] == [
        [],
        [],
        [("INSUFFICIENT_BALANCE", ["input", "orderIds", "2"])],
        [("NOT_FOUND", ["input", "orderIds", "3"])],
    ]
    # the top-level list has every refusal, the deprecated list the paid orders
    assert errors(result["userErrors"]) == [e for item in items for e in errors(item["userErrors"])]
    assert [o["id"] for o in result["orders"]] == [ids[0], ids[1]]
    assert await allocatable(client, world.finance) == "280.00"


async def test_a_failed_item_changes_nothing(client, session, world, monkeypatch):
    # given three orders of 180, and provisioning that refuses the second one's only after
    # its money moved and its payment was recorded
    ids = [await order(client, world, 1, k) for k in ("a", "b", "c")]
    real_complete = payments.complete
    second = from_global_id(ids[1])[1]

    async def refusing_complete(ctx, order, lines):
        if order.id == second:
            raise DomainError(ErrorCode.INVALID_STATE, "Provisioning refused.", ["orderIds", 1])
        await real_complete(ctx, order, lines)

    monkeypatch.setattr(payments, "complete", refusing_complete)
    transactions = await session.scalar(select(func.count()).select_from(LedgerTransaction))

    # when
    result = await pay_items(client, world.finance, ids, "faulty")

    # then the second item is refused and nothing of it stays; the others are paid
    assert [errors(item["userErrors"]) for item in result["items"]] == [
        [],
        [("INVALID_STATE", ["input", "orderIds", "1"])],
        [],
    ]
    assert await allocatable(client, world.finance) == "640.00"
    refused = await session.get(Order, second, populate_existing=True)
    assert refused.status is OrderStatus.PENDING_PAYMENT and refused.paid_at is None
    paid = await session.scalars(select(OrderPayment.order_id).order_by(OrderPayment.order_id))
    assert second not in list(paid)
    assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 2
    after = await session.scalar(select(func.count()).select_from(LedgerTransaction))
    assert after == transactions + 2
    await assert_books_balance(session)


async def test_replay_returns_the_same_items(client, session, world):
    ids = [await order(client, world, 3, "a"), await order(client, world, 3, "b")]
    ids.append(await order(client, world, 1, "c"))

    first = await pay_items(client, world.finance, ids, "same")
    again = await pay_items(client, world.finance, ids, "same")

    assert again == first
    assert [errors(item["userErrors"]) for item in again["items"]] == [
        [],
        [("INSUFFICIENT_BALANCE", ["input", "orderIds", "1"])],
        [],
    ]
    assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 2
    assert await allocatable(client, world.finance) == "280.00"


async def test_a_refused_call_has_no_items(client, session, world):
    order_id = await order(client, world, 1, "a")

    bad_key = await pay_items(client, world.finance, [order_id], " ")
    too_many = await pay_items(
        client, world.finance, [global_id("Order", n) for n in range(1, 52)], "many"
    )

    assert (bad_key["items"], bad_key["orders"]) == ([], [])
    assert errors(bad_key["userErrors"]) == [("INVALID_INPUT", ["input", "idempotencyKey"])]
    assert too_many["items"] == []
    assert errors(too_many["userErrors"]) == [("INVALID_INPUT", ["input", "orderIds"])]


async def test_reject_partner_payment_answers_per_item(client, session, world):
    # given a customer's order that asks its partner to pay, and a proxy order that doesn't
    token = await customer_token(session, world.customer)
    own = await gql(
        client,
        CREATE_OWN,
        {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(world.products["ecs"])],
                "idempotencyKey": "own",
            }
        },
        token=token,
    )
    own_id = own["data"]["createOrder"]["order"]["id"]
    asked = await gql(
        client, REQUEST, {"input": {"orderId": own_id, "idempotencyKey": "ask"}}, token=token
    )
    assert asked["data"]["requestPartnerPayment"]["userErrors"] == []
    proxy = await order(client, world, 1, "proxy")
    variables = {"input": {"orderIds": [proxy, own_id], "reason": "No.", "idempotencyKey": "r"}}

    # when
    body = await gql(client, REJECT_ITEMS, variables, token=world.finance)
    again = await gql(client, REJECT_ITEMS, variables, token=world.finance)

    # then
    result = body["data"]["rejectPartnerPayment"]
    assert again["data"]["rejectPartnerPayment"] == result
    assert [(i["index"], i["order"]) for i in result["items"]] == [
        (0, None),
        (1, {"id": own_id, "partnerPaymentStatus": "REJECTED"}),
    ]
    assert errors(result["items"][0]["userErrors"]) == [
        ("INVALID_STATE", ["input", "orderIds", "0"])
    ]
    assert result["orders"] == [{"id": own_id}]
    assert errors(result["userErrors"]) == [("INVALID_STATE", ["input", "orderIds", "0"])]
