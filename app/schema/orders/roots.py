"""Root fields of orders: the catalog, quotes, orders, and the order mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.globalid import to_global_id
from app.resolvers.orders import orders as order_resolvers
from app.resolvers.orders import products as product_resolvers
from app.schema.core.errors import user_errors
from app.schema.core.money import money
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.orders import mutations as order_mutations
from app.schema.orders.mutations import COUPON_IDS_DESCRIPTION
from app.schema.orders.orders import Order, OrderFilter, OrderLineInput, OrderOrder
from app.schema.orders.products import Product, ProductFilter
from app.schema.orders.quotes import (
    CouponShare,
    OrderQuote,
    OrderQuoteResult,
    PricedAmount,
    QuoteCoupon,
    QuoteLine,
)
from app.services.orders.pricing import Amount, round_cents


@strawberry.input(description="What to price.")
class OrderQuoteInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer it would be for.")
    lines: list[OrderLineInput] = strawberry.field(description="1 to 20 lines of one kind.")
    coupon_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description=COUPON_IDS_DESCRIPTION
    )


def _priced(amount: Amount) -> PricedAmount:
    return PricedAmount(amount=money(round_cents(amount.value)), rule=amount.rule)


def _voucher_id(rules: dict) -> strawberry.ID | None:
    voucher_id = rules.get("pickupVoucherId")
    return None if voucher_id is None else strawberry.ID(to_global_id("PickupVoucher", voucher_id))


@strawberry.type(description="Read entry points: the catalog, orders and price inquiries.")
class Query:
    @strawberry.field(
        description="Price inquiry: list amount, discounts, coupon deductions and amount due "
        "per line and in total, each with its rule. Writes nothing."
    )
    async def order_quote(
        self,
        info: strawberry.Info,
        input: Annotated[OrderQuoteInput, strawberry.argument(description="What to price.")],
    ) -> OrderQuoteResult:
        outcome = await order_resolvers.quote(
            info.context, input.customer_id, input.lines, input.coupon_ids
        )
        if outcome.value is None:
            return OrderQuoteResult(quote=None, user_errors=user_errors(outcome.errors))
        result = outcome.value
        quote = OrderQuote(
            lines=[
                QuoteLine(
                    line_number=p.index + 1,
                    kind=p.input.kind,
                    quantity=p.input.quantity,
                    list_amount=_priced(p.price.list_amount),
                    discounts=[_priced(d) for d in p.price.discounts],
                    coupon_deductions=[_priced(c) for c in p.price.coupons],
                    amount_due=_priced(p.price.due),
                    pickup_voucher_id=_voucher_id(p.rules),
                    product_row=p.product,
                    resource_row=p.resource,
                )
                for p in result.lines
            ],
            list_amount=money(result.totals.list_amount),
            discount_amount=money(result.totals.discount_amount),
            coupon_amount=money(result.totals.coupon_amount),
            amount_due=money(result.totals.amount_due),
            coupons=[
                QuoteCoupon(
                    coupon_id=strawberry.ID(to_global_id("Coupon", c.coupon.id)),
                    db_coupon_id=c.coupon.id,
                    position=c.position,
                    amount=money(c.amount.value),
                    rule=c.amount.rule,
                    shares=[
                        CouponShare(line_number=index + 1, amount=money(share.value))
                        for index, share in c.shares
                    ],
                )
                for c in result.coupons
            ],
        )
        return OrderQuoteResult(quote=quote, user_errors=[])

    @strawberry.field(
        description="Orders the caller may see (a customer: its own), newest first by default."
    )
    async def orders(
        self,
        info: strawberry.Info,
        filter: Annotated[
            OrderFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            OrderOrder | None, strawberry.argument(description="Ordering; newest first by default.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Order]:
        page = await order_resolvers.list_orders(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Order.from_row)

    @strawberry.field(description="One order by id (null if missing or not yours).")
    async def order(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Order id.")],
    ) -> Order | None:
        from app.resolvers.core.ids import parse_id

        row_id = parse_id(id, "Order")
        if row_id is None:
            return None
        row = await info.context.loaders.order.load(row_id)
        return None if row is None else Order.from_row(row)

    @strawberry.field(description="The product catalog, by product code.")
    async def products(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ProductFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Product]:
        page = await product_resolvers.list_products(
            info.context, filter, first, after, last, before
        )
        return connection(page, Product.from_row)


@strawberry.type(description="Changes: orders (proxy orders, payments, 代付, cancellations).")
class Mutation:
    create_proxy_order: order_mutations.CreateOrderPayload = strawberry.mutation(
        resolver=order_mutations.create_proxy_order,
        description=(
            "Order for a RESELLER customer with an active PROXY_ORDER authorization (SALES for "
            "managed customers, ADMIN). Idempotent per idempotencyKey."
        ),
    )
    create_order: order_mutations.CreateOrderPayload = strawberry.mutation(
        resolver=order_mutations.create_order,
        description="A customer's own order (CUSTOMER). Idempotent per idempotencyKey.",
    )
    pay_orders: order_mutations.OrdersPayload = strawberry.mutation(
        resolver=order_mutations.pay_orders,
        description=(
            "Pay up to 50 orders from the partner's account (FINANCE, ADMIN). Not "
            "all-or-nothing: each order is paid or gets its own userError. Paying provisions "
            "the resources in the same transaction. Idempotent per idempotencyKey."
        ),
    )
    reject_partner_payment: order_mutations.OrdersPayload = strawberry.mutation(
        resolver=order_mutations.reject_partner_payment,
        description=(
            "Decline customers' requests to pay their orders, with a reason (FINANCE, ADMIN; "
            "each order on its own); the customer may then pay itself."
        ),
    )
    pay_order: order_mutations.OrderPayload = strawberry.mutation(
        resolver=order_mutations.pay_order,
        description=(
            "The customer pays its own order from its account, cash then credit (CUSTOMER). "
            "Idempotent per idempotencyKey."
        ),
    )
    request_partner_payment: order_mutations.OrderPayload = strawberry.mutation(
        resolver=order_mutations.request_partner_payment,
        description="The customer asks its partner to pay an unpaid order (代付; CUSTOMER).",
    )
    cancel_order: order_mutations.OrderPayload = strawberry.mutation(
        resolver=order_mutations.cancel_order,
        description="Cancel an unpaid order (ADMIN, SALES, or the customer).",
    )
