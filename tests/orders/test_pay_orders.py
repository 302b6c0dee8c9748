"""payOrders: the partner pays up to 50 orders, each on its own; balance rules; replays;
per-item results (`items`), a savepoint per item, replays of the items, and the deprecated
`orders` field that still answers for one release."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.globalid import from_global_id
from app.models import LedgerTransaction, Order, OrderPayment, Resource
from app.models.orders.enums import OrderStatus
from app.models.partners.enums import CertificationStatus, Role
from app.services.core.errors import DomainError, ErrorCode
from app.services.orders import payments
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import assert_books_balance
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import (
    CANCEL,
    PAY,
    allocatable,
    create_proxy,
    errors,
    make_world,
    new_line,
    order,
    pay,
)
from tests.rows import reread


@pytest.fixture
async def world(session):
    return await make_world(session, money="1000.00")


async def test_batch_pays_what_the_balance_covers_each_on_its_own(client, session, world):
    # given 1,000.00 and orders of 540 (3 months), 360 (2 months) and 180 (1 month)
    ids = [
        await order(client, world, 3, "a"),
        await order(client, world, 2, "b"),
        await order(client, world, 3, "c"),
        await order(client, world, 1, "d"),
    ]

    # when all are paid at once (plus a missing one)
    result = await pay(client, world.finance, [*ids, global_id("Order", 999999)])

    # then the first two and the last fit; the third and the missing one are refused
    assert [o["id"] for o in result["orders"]] == [ids[0], ids[1]]
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("INSUFFICIENT_BALANCE", ["input", "orderIds", "2"]),
        ("INSUFFICIENT_BALANCE", ["input", "orderIds", "3"]),
        ("NOT_FOUND", ["input", "orderIds", "4"]),
    ]
    assert await allocatable(client, world.finance) == "100.00"
    assert await session.scalar(select(func.count()).select_from(Resource)) == 2
    await assert_books_balance(session)


async def test_replay_returns_the_first_outcome_and_pays_once(client, session, world):
    order_id = await order(client, world)
    first = await pay(client, world.finance, [order_id], key="same")
    again = await pay(client, world.finance, [order_id], key="same")
    assert again == first
    assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 1
    # a new key for a paid order is refused
    other = await pay(client, world.finance, [order_id], key="other")
    assert other["userErrors"][0]["code"] == "INVALID_STATE"
    assert await allocatable(client, world.finance) == "820.00"


async def test_batch_limits(client, session, world):
    order_id = await order(client, world)
    too_many = [global_id("Order", n) for n in range(1, 52)]
    result = await pay(client, world.finance, too_many, key="many")
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("INVALID_INPUT", ["input", "orderIds"])
    ]
    # invalid input stores no outcome: the key is still free
    result = await pay(client, world.finance, [order_id], key="many")
    assert result["userErrors"] == [] and len(result["orders"]) == 1
    result = await pay(client, world.finance, [order_id, order_id], key="dup")
    assert result["userErrors"][0]["code"] == "INVALID_INPUT"
    result = await pay(client, world.finance, [order_id], key=" ")
    assert result["userErrors"][0]["field"] == ["input", "idempotencyKey"]


async def test_closed_and_cancelled_orders_cannot_be_paid(client, session, world, frozen_clock):
    late = await order(client, world, 1, "late")
    frozen_clock.advance(timedelta(hours=24))
    result = await pay(client, world.finance, [late], key="late")
    assert result["userErrors"][0]["code"] == "INVALID_STATE"
    assert "CLOSED" in result["userErrors"][0]["message"]


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_that_may_not_pay(client, session, world, role):
    order_id = await order(client, world)
    token = await token_for(session, await make_user(session, world.partner, role))
    body = await gql(
        client, PAY, {"input": {"orderIds": [order_id], "idempotencyKey": "k"}}, token=token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_uncertified_partner_cannot_pay(client, session, world):
    order_id = await order(client, world)
    world.partner.certification_status = CertificationStatus.EXPIRED
    await session.flush()
    result = await pay(client, world.finance, [order_id])
    assert result["userErrors"][0]["code"] == "PARTNER_NOT_CERTIFIED"


async def test_another_partners_order_is_not_found(client, session, world):
    other = await make_partner(session)
    stranger = await make_customer(session, other)
    await make_authorization(session, stranger)
    other_admin = await token_for(session, await make_user(session, other))
    created = await create_proxy(client, other_admin, stranger, [new_line(world.products["ecs"])])
    result = await pay(client, world.finance, [created["order"]["id"]])
    assert result["userErrors"][0]["code"] == "NOT_FOUND"


async def test_orders_of_an_ended_association_cannot_be_paid(client, session, world):
    order_id = await order(client, world)
    world.customer.ended_at = world.customer.associated_at + timedelta(days=1)
    await session.flush()
    result = await pay(client, world.finance, [order_id])
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("ASSOCIATION_ENDED", ["input", "orderIds", "0"])
    ]


PAY_ITEMS = """
mutation Pay($input: PayOrdersInput!) {
  payOrders(input: $input) {
    items { index order { id status payer } userErrors { code field message } }
    orders { id }
    userErrors { code field }
  }
}
"""


async def pay_items(client, token, order_ids, key) -> dict:
    body = await gql(
        client, PAY_ITEMS, {"input": {"orderIds": order_ids, "idempotencyKey": key}}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["payOrders"]


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
    refused = await reread(session, Order, second)
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


async def test_a_cancelled_order_cannot_be_paid(client, session, world):
    order_id = await order(client, world, 1, "cancelled")
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": order_id, "idempotencyKey": "c"}},
        token=world.sales,
    )
    assert body["data"]["cancelOrder"]["userErrors"] == []

    result = await pay(client, world.finance, [order_id], key="pay")

    assert errors(result["userErrors"]) == [("INVALID_STATE", ["input", "orderIds", "0"])]
    assert "CANCELLED" in result["userErrors"][0]["message"]
    assert await allocatable(client, world.finance) == "1000.00"


async def test_the_same_key_for_other_orders_is_refused(client, session, world):
    first_id, second_id = await order(client, world, 1, "a"), await order(client, world, 1, "b")
    assert (await pay(client, world.finance, [first_id], key="same"))["userErrors"] == []

    other = await pay(client, world.finance, [second_id], key="same")

    assert errors(other["userErrors"]) == [("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])]
    assert other["orders"] == []
    assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 1


async def test_a_customer_token_cannot_pay_orders(client, session, world):
    order_id = await order(client, world)
    token = await customer_token(session, world.customer)

    body = await gql(
        client, PAY, {"input": {"orderIds": [order_id], "idempotencyKey": "k"}}, token=token
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
