"""Order mutations: inputs, payloads and resolvers (createProxyOrder, payOrders, ...)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from app.resolvers.core.mutations import Outcome
from app.resolvers.orders import orders as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.orders.orders import Order, OrderLineInput
from app.services.orders import orders as order_service
from app.services.orders import payments as order_payments

KEY_DESCRIPTION = "Your unique key for this call; a retry with it returns the first result."


@strawberry.input(description="Order for a RESELLER customer (代客户下单).")
class CreateProxyOrderInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    lines: list[OrderLineInput] = strawberry.field(description="1 to 20 lines of one kind.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.input(description="A customer's own order.")
class CreateOrderInput:
    customer_id: strawberry.ID = strawberry.field(
        description="Which of the caller's (current) associations orders."
    )
    lines: list[OrderLineInput] = strawberry.field(description="1 to 20 lines of one kind.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


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


@strawberry.type(description="Result of a change to many orders, each on its own.")
class OrdersPayload:
    orders: list[Order] = strawberry.field(description="The orders changed.")
    user_errors: list[UserError] = strawberry.field(
        description='Why others were refused; `field` is ["input", "orderIds", i].'
    )


def _one(outcome: Outcome[Any]) -> OrderPayload:
    return OrderPayload(
        order=Order.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


async def create_proxy_order(
    info: strawberry.Info,
    input: Annotated[CreateProxyOrderInput, strawberry.argument(description="The order.")],
) -> CreateOrderPayload:
    outcome = await resolvers.create_order(
        info.context, "createProxyOrder", input.customer_id, input.lines, input.idempotency_key
    )
    return CreateOrderPayload(**vars(_one(outcome)))


async def create_order(
    info: strawberry.Info,
    input: Annotated[CreateOrderInput, strawberry.argument(description="The order.")],
) -> CreateOrderPayload:
    outcome = await resolvers.create_order(
        info.context, "createOrder", input.customer_id, input.lines, input.idempotency_key
    )
    return CreateOrderPayload(**vars(_one(outcome)))


async def pay_orders(
    info: strawberry.Info,
    input: Annotated[PayOrdersInput, strawberry.argument(description="What to pay.")],
) -> OrdersPayload:
    rows, errors = await resolvers.pay_orders(info.context, input.order_ids, input.idempotency_key)
    return OrdersPayload(orders=[Order.from_row(r) for r in rows], user_errors=user_errors(errors))


async def reject_partner_payment(
    info: strawberry.Info,
    input: Annotated[RejectPartnerPaymentInput, strawberry.argument(description="What to reject.")],
) -> OrdersPayload:
    rows, errors = await resolvers.reject_partner_payment(
        info.context, input.order_ids, input.reason, input.idempotency_key
    )
    return OrdersPayload(orders=[Order.from_row(r) for r in rows], user_errors=user_errors(errors))


async def pay_order(
    info: strawberry.Info,
    input: Annotated[OrderActionInput, strawberry.argument(description="The order.")],
) -> OrderPayload:
    return _one(
        await resolvers.single_order(
            info.context,
            "payOrder",
            input.order_id,
            input.idempotency_key,
            order_payments.pay_order_as_customer,
        )
    )


async def request_partner_payment(
    info: strawberry.Info,
    input: Annotated[OrderActionInput, strawberry.argument(description="The order.")],
) -> OrderPayload:
    return _one(
        await resolvers.single_order(
            info.context,
            "requestPartnerPayment",
            input.order_id,
            input.idempotency_key,
            order_payments.request_partner_payment,
        )
    )


async def cancel_order(
    info: strawberry.Info,
    input: Annotated[OrderActionInput, strawberry.argument(description="The order.")],
) -> OrderPayload:
    return _one(
        await resolvers.single_order(
            info.context,
            "cancelOrder",
            input.order_id,
            input.idempotency_key,
            order_service.cancel_order,
        )
    )
