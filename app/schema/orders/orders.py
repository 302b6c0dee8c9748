"""Order types: quotes, orders, lines, payments, refunds, and their inputs and enums."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.clock import business_date
from app.globalid import to_global_id
from app.schema.core.enums import OrderDirection
from app.schema.core.money import Money, money
from app.schema.core.relay import DateTimeRange, Node
from app.schema.orders.enums import (
    OrderKind,
    OrderOrderField,
    OrderPayer,
    OrderSource,
    OrderStatus,
    PartnerPaymentStatus,
    PeriodUnit,
)
from app.schema.orders.quotes import CouponShare

if TYPE_CHECKING:
    from app.schema.coupons.coupons import Coupon
    from app.schema.coupons.pickup_vouchers import PickupVoucher
    from app.schema.customers.customers import Customer
    from app.schema.customers.resources import Resource
    from app.schema.orders.products import Product


@strawberry.input(description="Ordering of an order list.")
class OrderOrder:
    field: OrderOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Sort direction."
    )


@strawberry.input(description="Conditions an order must meet; all given ones apply.")
class OrderFilter:
    statuses: list[OrderStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    kinds: list[OrderKind] | None = strawberry.field(
        default=None, description="Any of these kinds."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's orders."
    )
    created_between: DateTimeRange | None = strawberry.field(
        default=None, description="Created within this range."
    )
    awaiting_partner_payment: bool | None = strawberry.field(
        default=None,
        description="true: only customers' orders awaiting the partner's payment; false: none.",
    )


@strawberry.input(description="A prepaid period: 1-9 months or 1-3 years.")
class PeriodInput:
    unit: PeriodUnit = strawberry.field(description="MONTH or YEAR.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="A prepaid period.")
class Period:
    unit: PeriodUnit = strawberry.field(description="MONTH or YEAR.")
    count: int = strawberry.field(description="How many.")


@strawberry.input(description="One line of an order or a quote.")
class OrderLineInput:
    kind: OrderKind = strawberry.field(description="The line's kind (the same on every line).")
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="NEW: the product; CHANGE_SPEC: the product to move to."
    )
    resource_id: strawberry.ID | None = strawberry.field(
        default=None, description="RENEW, CHANGE_SPEC, UNSUBSCRIBE: the customer's resource."
    )
    quantity: int = strawberry.field(
        default=1, description="NEW: how many resources (1-100); otherwise 1."
    )
    period: PeriodInput | None = strawberry.field(
        default=None,
        description="NEW (yearly/monthly products) and RENEW: the period; none for on-demand.",
    )
    pickup_voucher_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A pickup voucher of the customer for this line's product (NEW or RENEW "
        "of a yearly/monthly product): one unit costs nothing for up to the voucher's period; "
        "a longer period pays the rest. Held until the order is paid, then redeemed.",
    )


@strawberry.type(description="One line of an order.")
class OrderLine:
    row: strawberry.Private[Any]
    line_number: int = strawberry.field(description="Position in the order, from 1.")
    kind: OrderKind = strawberry.field(description="The line's kind.")
    quantity: int = strawberry.field(description="How many.")
    period: Period | None = strawberry.field(description="The prepaid period, if any.")
    list_amount: Money = strawberry.field(description="List amount.")
    discount_amount: Money = strawberry.field(description="Discounts.")
    coupon_amount: Money = strawberry.field(
        description="Coupon and pickup voucher deductions on this line."
    )
    amount_due: Money = strawberry.field(description="Amount due (rounded once).")
    pickup_voucher_id: strawberry.ID | None = strawberry.field(
        description="The pickup voucher this line redeems (a PickupVoucher id), if any."
    )
    term_start: datetime | None = strawberry.field(
        description="Start of the paid time this line bought (once completed)."
    )
    term_end: datetime | None = strawberry.field(
        description="End of the paid time this line bought (once completed)."
    )
    pricing_rules: list[str] = strawberry.field(description="The rules behind the numbers.")

    @strawberry.field(description="The product (the new one for CHANGE_SPEC).")
    async def product(
        self, info: strawberry.Info
    ) -> Annotated[Product, strawberry.lazy("app.schema.orders.products")] | None:
        from app.schema.orders.products import Product

        if self.row.product_id is None:
            return None
        row = await info.context.loaders.product.load(self.row.product_id)
        return None if row is None else Product.from_row(row)

    @strawberry.field(description="The resource (for NEW: once provisioned, if quantity 1).")
    async def resource(
        self, info: strawberry.Info
    ) -> Annotated[Resource, strawberry.lazy("app.schema.customers.resources")] | None:
        from app.schema.customers.resources import Resource

        if self.row.resource_id is None:
            return None
        row = await info.context.loaders.resource.load(self.row.resource_id)
        return None if row is None else Resource.from_row(row)

    @strawberry.field(description="The pickup voucher this line redeems, if any.")
    async def pickup_voucher(
        self, info: strawberry.Info
    ) -> Annotated[PickupVoucher, strawberry.lazy("app.schema.coupons.pickup_vouchers")] | None:
        from app.schema.coupons.pickup_vouchers import PickupVoucher

        voucher_id = (self.row.rules or {}).get("pickupVoucherId")
        if voucher_id is None:
            return None
        row = await info.context.loaders.pickup_voucher.load(voucher_id)
        return None if row is None else PickupVoucher.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> OrderLine:
        rules = row.rules or {}
        return cls(
            row=row,
            line_number=row.line_no,
            kind=row.kind,
            quantity=row.quantity,
            period=Period(unit=row.period_unit, count=row.period_count)
            if row.period_unit is not None
            else None,
            list_amount=money(row.list_amount),
            discount_amount=money(row.discount_amount),
            coupon_amount=money(row.coupon_amount),
            amount_due=money(row.amount_due),
            pickup_voucher_id=strawberry.ID(to_global_id("PickupVoucher", rules["pickupVoucherId"]))
            if rules.get("pickupVoucherId") is not None
            else None,
            term_start=row.term_start,
            term_end=row.term_end,
            pricing_rules=[
                rules.get("list", ""),
                *rules.get("discounts", []),
                *rules.get("coupons", []),
                rules.get("due", ""),
            ],
        )


@strawberry.type(description="A coupon an order applied: what it deducted, line by line.")
class AppliedCoupon:
    coupon_id: strawberry.ID = strawberry.field(description="The coupon (a Coupon id).")
    db_coupon_id: strawberry.Private[int]
    position: int = strawberry.field(
        description="Its step, from 0: the DISCOUNT coupon first, then CASH coupons by "
        "earliest expiry."
    )
    amount: Money = strawberry.field(description="What it deducted from the order.")
    shares: list[CouponShare] = strawberry.field(description="Its share of each line.")

    @classmethod
    def from_row(cls, row: Any) -> AppliedCoupon:
        return cls(
            coupon_id=strawberry.ID(to_global_id("Coupon", row.coupon_id)),
            position=row.position,
            amount=money(row.amount),
            shares=[CouponShare(line_number=n, amount=money(a)) for n, a in row.shares],
            db_coupon_id=row.coupon_id,
        )

    @strawberry.field(description="The coupon itself (its kind, balance and validity).")
    async def coupon(
        self, info: strawberry.Info
    ) -> Annotated[Coupon, strawberry.lazy("app.schema.coupons.coupons")] | None:
        from app.schema.coupons.coupons import Coupon

        row = await info.context.loaders.coupon.load(self.db_coupon_id)
        return Coupon.from_row(row) if row is not None else None


@strawberry.type(description="The payment of an order.")
class OrderPayment:
    payer: OrderPayer = strawberry.field(description="Who paid.")
    amount: Money = strawberry.field(description="Amount paid.")
    transaction_id: str = strawberry.field(description="Ledger transaction id.")
    paid_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_row(cls, row: Any) -> OrderPayment:
        return cls(
            payer=row.payer,
            amount=money(row.amount),
            transaction_id=row.transaction_no,
            paid_at=row.created_at,
        )


@strawberry.type(description="Money given back for what an order paid for, to whoever paid.")
class OrderRefund:
    order_id: strawberry.Private[int]
    refunded_order_id: strawberry.Private[int]
    resource_id: strawberry.Private[int | None]
    payee: OrderPayer = strawberry.field(description="Who got the money (who paid).")
    amount: Money = strawberry.field(description="Amount refunded (rounded once).")
    rule: str = strawberry.field(description="How it was computed.")
    transaction_id: str = strawberry.field(
        description="Ledger transaction id: the statement line of this refund."
    )
    created_at: datetime = strawberry.field(description="When.")

    @strawberry.field(description="The unsubscribe or downgrade order that caused it.")
    async def order(self, info: strawberry.Info) -> Order | None:
        row = await info.context.loaders.order.load(self.order_id)
        return None if row is None else Order.from_row(row)

    @strawberry.field(description="The paid order whose money came back.")
    async def refunded_order(self, info: strawberry.Info) -> Order | None:
        row = await info.context.loaders.order.load(self.refunded_order_id)
        return None if row is None else Order.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> OrderRefund:
        return cls(
            order_id=row.order_id,
            refunded_order_id=row.refunded_order_id,
            resource_id=row.resource_id,
            payee=row.payee,
            amount=money(row.amount),
            rule=row.rule,
            transaction_id=row.transaction_no,
            created_at=row.created_at,
        )


@strawberry.type(description="An order of a customer (代客户下单 or the customer's own).")
class Order(Node):
    row: strawberry.Private[Any]
    kind: OrderKind = strawberry.field(description="What it does.")
    status: OrderStatus = strawberry.field(
        description="Lifecycle status (CLOSED as soon as the payment window has passed)."
    )
    source: OrderSource = strawberry.field(description="Who placed it.")
    list_amount: Money = strawberry.field(description="Sum of the lines' list amounts.")
    discount_amount: Money = strawberry.field(description="Sum of the discounts.")
    coupon_amount: Money = strawberry.field(
        description="Sum of the coupon and pickup voucher deductions."
    )
    amount_due: Money = strawberry.field(description="What it costs: the sum of the lines' dues.")
    refund_amount: Money = strawberry.field(
        description="What this (unsubscribe or downgrade) order gave back."
    )
    payer: OrderPayer | None = strawberry.field(description="Who paid it (null: unpaid/free).")
    partner_payment_status: PartnerPaymentStatus = strawberry.field(
        description="Where the customer's request for its partner to pay stands."
    )
    awaiting_partner_payment: bool = strawberry.field(
        description="The customer asked its partner to pay and the order is still payable."
    )
    partner_payment_requested_at: datetime | None = strawberry.field(
        description="When the customer asked its partner to pay."
    )
    partner_payment_rejected_at: datetime | None = strawberry.field(
        description="When the partner declined."
    )
    partner_payment_reject_reason: str = strawberry.field(description="The partner's reason.")
    close_at: datetime | None = strawberry.field(description="When it closes if still unpaid.")
    paid_at: datetime | None = strawberry.field(description="When it was paid.")
    completed_at: datetime | None = strawberry.field(description="When it completed.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")
    created_at: datetime = strawberry.field(description="When it was placed.")

    @strawberry.field(description="The business date (Asia/Shanghai by default) it was placed on.")
    def business_date(self) -> date:
        return business_date(self.row.created_at)

    @strawberry.field(
        description="The business date it was paid on (null while unpaid): its day in reports."
    )
    def paid_business_date(self) -> date | None:
        return None if self.row.paid_at is None else business_date(self.row.paid_at)

    @strawberry.field(description="The customer it is for.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="Its lines, in order.")
    async def lines(self, info: strawberry.Info) -> list[OrderLine]:
        rows = await info.context.loaders.order_lines.load(self.row.id)
        return [OrderLine.from_row(r) for r in rows]

    @strawberry.field(
        description="The coupons it applied, in the order applied, with what each deducted "
        "and its share of each line (held while unpaid, used at payment)."
    )
    async def coupons(self, info: strawberry.Info) -> list[AppliedCoupon]:
        rows = await info.context.loaders.order_coupons.load(self.row.id)
        return [AppliedCoupon.from_row(r) for r in rows]

    @strawberry.field(description="Its payment (at most one).")
    async def payments(self, info: strawberry.Info) -> list[OrderPayment]:
        rows = await info.context.loaders.order_payments.load(self.row.id)
        return [OrderPayment.from_row(r) for r in rows]

    @strawberry.field(
        description="Refunds it caused (unsubscribe, downgrade) or gave back of its payment."
    )
    async def refunds(self, info: strawberry.Info) -> list[OrderRefund]:
        rows = await info.context.loaders.order_refunds.load(self.row.id)
        return [OrderRefund.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: Any) -> Order:
        from app.services.orders.orders import awaits_partner_payment, effective_status

        status = effective_status(row)
        return cls(
            id=strawberry.ID(to_global_id("Order", row.id)),
            row=row,
            kind=row.kind,
            status=status,
            source=row.source,
            list_amount=money(row.list_amount),
            discount_amount=money(row.discount_amount),
            coupon_amount=money(row.coupon_amount),
            amount_due=money(row.amount_due),
            refund_amount=money(row.refund_amount),
            payer=row.payer,
            partner_payment_status=row.partner_payment_status,
            awaiting_partner_payment=awaits_partner_payment(row),
            partner_payment_requested_at=row.partner_payment_requested_at,
            partner_payment_rejected_at=row.partner_payment_rejected_at,
            partner_payment_reject_reason=row.partner_payment_reject_reason,
            close_at=row.close_at,
            paid_at=row.paid_at,
            completed_at=row.completed_at,
            cancelled_at=row.cancelled_at,
            created_at=row.created_at,
        )
