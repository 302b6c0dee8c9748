"""Price inquiries: what an order would cost, line by line, with the rule behind each number."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.schema.core.errors import UserError
from app.schema.core.money import Money
from app.schema.orders.enums import OrderKind

if TYPE_CHECKING:
    from app.schema.coupons.coupons import Coupon
    from app.schema.customers.resources import Resource
    from app.schema.orders.products import Product


@strawberry.type(description="A number of a price and the rule that produced it.")
class PricedAmount:
    amount: Money = strawberry.field(description="The amount.")
    rule: str = strawberry.field(description="The pricing rule, e.g. YEARLY_PRICE: ...")


@strawberry.type(description="One priced line of a quote.")
class QuoteLine:
    line_number: int = strawberry.field(description="Position in the input, from 1.")
    kind: OrderKind = strawberry.field(description="The line's kind.")
    quantity: int = strawberry.field(description="How many.")
    list_amount: PricedAmount = strawberry.field(description="List amount (exact).")
    discounts: list[PricedAmount] = strawberry.field(description="Discounts, each with its rule.")
    coupon_deductions: list[PricedAmount] = strawberry.field(
        description="What the line's pickup voucher (PICKUP_VOUCHER) and each coupon's share "
        "(DISCOUNT_COUPON, CASH_COUPON) take off it, in the order applied; empty without any."
    )
    pickup_voucher_id: strawberry.ID | None = strawberry.field(
        description="The pickup voucher the line redeems (a PickupVoucher id), if any."
    )
    amount_due: PricedAmount = strawberry.field(
        description="list - discounts - coupons, never below 0, rounded half-up to 0.01 once."
    )
    product_row: strawberry.Private[Any]
    resource_row: strawberry.Private[Any]

    @strawberry.field(description="The product priced (the new one for CHANGE_SPEC).")
    def product(self) -> Annotated[Product, strawberry.lazy("app.schema.orders.products")] | None:
        from app.schema.orders.products import Product

        return None if self.product_row is None else Product.from_row(self.product_row)

    @strawberry.field(description="The resource the line is about (not for NEW).")
    async def resource(
        self, info: strawberry.Info
    ) -> Annotated[Resource, strawberry.lazy("app.schema.customers.resources")] | None:
        from app.schema.customers.resources import Resource

        if self.resource_row is None:
            return None
        # Read as every resource is (with the status its rules give now), batched.
        row = await info.context.loaders.resource.load(self.resource_row.id)
        return None if row is None else Resource.from_row(row)


@strawberry.type(description="A coupon's share of one order line.")
class CouponShare:
    line_number: int = strawberry.field(description="The line, from 1.")
    amount: Money = strawberry.field(description="What the coupon takes off that line.")


@strawberry.type(
    description="A coupon's deduction on a quote: its total, the rule behind it, and its share "
    "of each line it applies to (in proportion to their amounts, the remainder on the last)."
)
class QuoteCoupon:
    coupon_id: strawberry.ID = strawberry.field(description="The coupon (a Coupon id).")
    db_coupon_id: strawberry.Private[int]
    position: int = strawberry.field(
        description="Its step, from 0: the DISCOUNT coupon first, then CASH coupons by "
        "earliest expiry."
    )
    amount: Money = strawberry.field(description="What it deducts from the order.")
    rule: str = strawberry.field(description="How the deduction was computed.")
    shares: list[CouponShare] = strawberry.field(description="Its share of each line.")

    @strawberry.field(description="The coupon itself (its kind, balance and validity).")
    async def coupon(
        self, info: strawberry.Info
    ) -> Annotated[Coupon, strawberry.lazy("app.schema.coupons.coupons")] | None:
        from app.schema.coupons.coupons import Coupon

        row = await info.context.loaders.coupon.load(self.db_coupon_id)
        return Coupon.from_row(row) if row is not None else None


@strawberry.type(description="A price inquiry: what an order would cost; nothing was written.")
class OrderQuote:
    lines: list[QuoteLine] = strawberry.field(description="Each line priced.")
    list_amount: Money = strawberry.field(description="Sum of the lines' list amounts (cents).")
    discount_amount: Money = strawberry.field(description="Sum of the discounts (cents).")
    coupon_amount: Money = strawberry.field(
        description="Sum of the coupon and pickup voucher deductions (cents)."
    )
    amount_due: Money = strawberry.field(
        description="Sum of the lines' amounts due (each rounded once): what the order costs."
    )
    coupons: list[QuoteCoupon] = strawberry.field(
        description="Each named coupon's deduction, in the order applied."
    )


@strawberry.type(description="Result of `orderQuote`.")
class OrderQuoteResult:
    quote: OrderQuote | None = strawberry.field(description="The quote, unless refused.")
    user_errors: list[UserError] = strawberry.field(description="Why the lines cannot be priced.")
