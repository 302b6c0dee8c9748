"""The Coupon type, its usages, the coupon filter and ordering."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app import clock
from app.globalid import to_global_id
from app.schema.core.enums import OrderDirection
from app.schema.core.money import Money, money
from app.schema.core.relay import Node
from app.schema.coupons.enums import CouponKind, CouponOrderField, CouponStatus, CouponUsageSource
from app.schema.coupons.quotas import CouponQuota
from app.schema.customers.enums import ServiceType
from app.services.coupons.states import coupon_status, is_held

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer
    from app.schema.orders.orders import Order


async def _order(info: strawberry.Info, order_id: int | None) -> Any:
    from app.schema.orders.orders import Order

    if order_id is None:
        return None
    row = await info.context.loaders.order.load(order_id)
    return None if row is None else Order.from_row(row)


@strawberry.type(description="What a coupon paid once: an order, or a day's on-demand charge.")
class CouponUsage:
    row: strawberry.Private[Any]
    source: CouponUsageSource = strawberry.field(description="An order or a consumption day.")
    day: date | None = strawberry.field(
        description="CONSUMPTION: the business day whose on-demand charge it paid."
    )
    amount: Money = strawberry.field(description="What it deducted.")
    created_at: datetime = strawberry.field(description="When.")

    @strawberry.field(description="ORDER: the order it paid (null otherwise).")
    async def order(
        self, info: strawberry.Info
    ) -> Annotated[Order, strawberry.lazy("app.schema.orders.orders")] | None:
        return await _order(info, self.row.order_id)

    @classmethod
    def from_row(cls, row: Any) -> CouponUsage:
        return cls(
            row=row,
            source=row.source,
            day=row.day,
            amount=money(row.amount),
            created_at=row.created_at,
        )


@strawberry.type(description="A coupon the partner issued to a customer from a quota.")
class Coupon(Node):
    row: strawberry.Private[Any]
    kind: CouponKind = strawberry.field(description="CASH (代金券) or DISCOUNT (折扣券).")
    status: CouponStatus = strawberry.field(
        description="As of now: EXPIRED as soon as validTo has passed (unless an unpaid order "
        "holds it)."
    )
    face_value: Money | None = strawberry.field(description="CASH: its face value.")
    rate: Decimal | None = strawberry.field(
        description="DISCOUNT: the share the customer pays, e.g. 0.85 (15 % off, 8.5折)."
    )
    cap: Money | None = strawberry.field(
        description="DISCOUNT: the most it deducts over all its uses."
    )
    value: Money = strawberry.field(
        description="What it drew from its quota (the face value, or the cap)."
    )
    balance: Money = strawberry.field(description="What it can still deduct.")
    valid_from: datetime = strawberry.field(description="Start of validity (inclusive).")
    valid_to: datetime = strawberry.field(description="End of validity (exclusive).")
    service_types: list[ServiceType] = strawberry.field(
        description="The service types it pays for; empty = every service type."
    )
    minimum_order_amount: Money = strawberry.field(
        description="The least an order must cost for it to apply (orders only)."
    )
    reclaimed_at: datetime | None = strawberry.field(description="When it was reclaimed.")
    created_at: datetime = strawberry.field(description="When it was issued.")

    @strawberry.field(description="Who holds it.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(
        description="The quota it was drawn from (null for those who may not read quotas: "
        "SALES users and customers)."
    )
    async def quota(self, info: strawberry.Info) -> CouponQuota | None:
        row = await info.context.loaders.coupon_quota.load(self.row.quota_id)
        return None if row is None else CouponQuota.from_row(row)

    @strawberry.field(description="The unpaid order holding it now (null when none does).")
    async def held_by_order(
        self, info: strawberry.Info
    ) -> Annotated[Order, strawberry.lazy("app.schema.orders.orders")] | None:
        if not is_held(self.row, clock.now()):
            return None
        return await _order(info, self.row.held_by_order_id)

    @strawberry.field(description="What it paid, oldest first.")
    async def usages(self, info: strawberry.Info) -> list[CouponUsage]:
        rows = await info.context.loaders.coupon_usages.load(self.row.id)
        return [CouponUsage.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: Any) -> Coupon:
        return cls(
            id=strawberry.ID(to_global_id("Coupon", row.id)),
            row=row,
            kind=row.kind,
            status=coupon_status(row, clock.now()),
            face_value=Money.cny(row.face_value),
            rate=row.rate,
            cap=Money.cny(row.cap),
            value=money(row.value),
            balance=money(row.balance),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            service_types=[ServiceType(s) for s in row.service_types or ()],
            minimum_order_amount=money(row.minimum_order_amount),
            reclaimed_at=row.reclaimed_at,
            created_at=row.created_at,
        )


@strawberry.input(description="Conditions a coupon must meet; all given ones apply.")
class CouponFilter:
    customer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Held by any of these customers."
    )
    kinds: list[CouponKind] | None = strawberry.field(
        default=None, description="Any of these kinds."
    )
    statuses: list[CouponStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now)."
    )
    expiring_before: datetime | None = strawberry.field(
        default=None, description="Validity ends before this moment."
    )
    quota_id: strawberry.ID | None = strawberry.field(
        default=None, description="Drawn from this quota."
    )


CouponFilterInput = CouponFilter


@strawberry.input(description="Ordering of a coupon list.")
class CouponOrder:
    field: CouponOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Sort direction."
    )
