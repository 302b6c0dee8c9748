"""Order mutations: inputs, payloads and resolvers (createProxyOrder, payOrders, ...)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from app.resolvers.core.mutations import LoadedBulk, Outcome
from app.resolvers.orders import orders as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.orders.orders import Order, OrderLineInput

KEY_DESCRIPTION = "Your unique key for this call; a retry with it returns the first result."
COUPON_IDS_DESCRIPTION = (
    "Coupons of the customer to apply (at most 1 DISCOUNT and 3 CASH): the DISCOUNT coupon "
    "first, then CASH coupons by earliest expiry, each on what is left of the lines of its "
    'service types. Each refusal is a userError at ["input", "couponIds", i].'
)


@strawberry.input(description="Order for a RESELLER customer (代客户下单).")
class CreateProxyOrderInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    lines: list[OrderLineInput] = strawberry.field(description="1 to 20 lines of one kind.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    coupon_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description=COUPON_IDS_DESCRIPTION
    )


@strawberry.input(description="A customer's own order.")
class CreateOrderInput:
    customer_id: strawberry.ID = strawberry.field(
        description="Which of the caller's (current) associations orders."
    )
    lines: list[OrderLineInput] = strawberry.field(description="1 to 20 lines of one kind.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    coupon_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description=COUPON_IDS_DESCRIPTION
    )


@strawberry.input(description="Orders the partner pays from its account.")
class PayOrdersInput:
    order_ids: list[strawberry.ID] = strawberry.field(description="1 to 50 orders.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.input(description="Customers' payment requests the partner declines.")
class RejectPartnerPaymentInput:
    order_ids: list[strawberry.ID] = strawberry.field(description="1 to 50 orders.")
    reason: str = strawberry.field(description="Why (1-500 characters); the customer sees it.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.input(description="One order.")
class OrderActionInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.type(description="Result of creating an order.")
class CreateOrderPayload:
    order: Order | None = strawberry.field(
        description="The order (COMPLETED at once when nothing is due, e.g. UNSUBSCRIBE)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a change to one order.")
class OrderPayload:
    order: Order | None = strawberry.field(description="The order after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="The outcome for one order of a bulk call, at its input position.")
class OrderItemResult:
    index: int = strawberry.field(description="Position of the order in `input.orderIds`, from 0.")
    order: Order | None = strawberry.field(
        description="The order after the change (null when this item was refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Why this item was refused (nothing of it changed); `field` is ["input", '
        '"orderIds", index]. Empty when it went through.'
    )


@strawberry.type(description="Result of a change to many orders, each on its own.")
class OrdersPayload:
    items: list[OrderItemResult] = strawberry.field(
        description="One entry per given order, in input order (empty when the whole call "
        "was refused)."
    )
    orders: list[Order] = strawberry.field(
        description="The orders changed.",
        deprecation_reason="Use `items { order }`: one entry per input order, with its own "
        "userErrors. Deprecated 2026-12-03; removed in the next release.",
    )
    user_errors: list[UserError] = strawberry.field(
        description='Every refusal: of the whole call (e.g. ["input", "idempotencyKey"]) '
        'or of an item (["input", "orderIds", i], also in that item\'s `userErrors`).'
    )


def _one(outcome: Outcome[Any]) -> OrderPayload:
    return OrderPayload(
        order=Order.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


def _many(result: LoadedBulk) -> OrdersPayload:
    return OrdersPayload(
        items=[
            OrderItemResult(
                index=item.index,
                order=Order.from_row(item.row) if item.row is not None else None,
                user_errors=user_errors(item.errors),
            )
            for item in result.items
        ],
        orders=[Order.from_row(row) for row in result.rows],
        user_errors=user_errors(result.errors),
    )


async def create_proxy_order(
    info: strawberry.Info,
    input: Annotated[CreateProxyOrderInput, strawberry.argument(description="The order.")],
) -> CreateOrderPayload:
    outcome = await resolvers.create_proxy_order(
        info.context, input.customer_id, input.lines, input.idempotency_key, input.coupon_ids
    )
    return CreateOrderPayload(**vars(_one(outcome)))


async def create_order(
    info: strawberry.Info,
    input: Annotated[CreateOrderInput, strawberry.argument(description="The order.")],
) -> CreateOrderPayload:
    outcome = await resolvers.create_order(
        info.context, input.customer_id, input.lines, input.idempotency_key, input.coupon_ids
    )
    return CreateOrderPayload(**vars(_one(outcome)))


async def pay_orders(
    info: strawberry.Info,
    input: Annotated[PayOrdersInput, strawberry.argument(description="What to pay.")],
) -> OrdersPayload:
    return _many(await resolvers.pay_orders(info.context, input.order_ids, input.idempotency_key))


async def reject_partner_payment(
    info: strawberry.Info,
    input: Annotated[RejectPartnerPaymentInput, strawberry.argument(description="What to reject.")],
) -> OrdersPayload:
    return _many(
        await resolvers.reject_partner_payment(
            info.context, input.order_ids, input.reason, input.idempotency_key
        )
    )


async def pay_order(
    info: strawberry.Info,
    input: Annotated[OrderActionInput, strawberry.argument(description="The order.")],
) -> OrderPayload:
    return _one(await resolvers.pay_order(info.context, input.order_id, input.idempotency_key))


async def request_partner_payment(
    info: strawberry.Info,
    input: Annotated[OrderActionInput, strawberry.argument(description="The order.")],
) -> OrderPayload:
    return _one(
        await resolvers.request_partner_payment(info.context, input.order_id, input.idempotency_key)
    )


async def cancel_order(
    info: strawberry.Info,
    input: Annotated[OrderActionInput, strawberry.argument(description="The order.")],
) -> OrderPayload:
    return _one(await resolvers.cancel_order(info.context, input.order_id, input.idempotency_key))
