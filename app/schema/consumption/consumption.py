"""Consumption types: details, summaries, per-customer totals, 95th-percentile bills, and the
platform's ingest and cycle mutations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.schema.consumption.enums import (
    ConsumptionDetailKind,
    ConsumptionDetailOrderField,
    CycleStatus,
)
from app.schema.consumption.percentile import PercentileBill as PercentileBill
from app.schema.core.enums import OrderDirection
from app.schema.core.money import Money, money
from app.schema.core.relay import Node
from app.schema.core.rows import row_values
from app.schema.customers.enums import BillingMode, ServiceType

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer
    from app.schema.customers.resources import Resource
    from app.schema.orders.orders import Order
    from app.schema.orders.products import Product


@strawberry.input(description="Ordering of consumption details.")
class ConsumptionDetailOrder:
    field: ConsumptionDetailOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


@strawberry.input(description="Conditions on consumption; all given ones apply.")
class ConsumptionFilter:
    cycle_from: str | None = strawberry.field(
        default=None, description="First bill cycle, YYYY-MM (default: the current cycle)."
    )
    cycle_to: str | None = strawberry.field(
        default=None, description="Last bill cycle, inclusive (at most 24 cycles in all)."
    )
    customer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these customers."
    )
    service_types: list[ServiceType] | None = strawberry.field(
        default=None, description="Any of these services."
    )
    regions: list[str] | None = strawberry.field(default=None, description="Any of these regions.")
    billing_modes: list[BillingMode] | None = strawberry.field(
        default=None, description="Any of these billing modes."
    )
    resource_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these resources (details only)."
    )
    kinds: list[ConsumptionDetailKind] | None = strawberry.field(
        default=None, description="Only these line kinds (details only)."
    )


ConsumptionFilterInput = ConsumptionFilter


def _m(value: Decimal | None) -> Money:
    return money(value if value is not None else Decimal("0E-8"))


AMOUNT_FIELDS = ("list_amount", "discount", "coupon", "cash_paid", "credit_paid", "amount_due")


@strawberry.type(description="Amounts of consumption, at scale 8 (as the vendor's bills).")
class ConsumptionAmounts:
    list_amount: Money = strawberry.field(description="List price amount.")
    discount: Money = strawberry.field(description="Discount.")
    coupon: Money = strawberry.field(
        description=(
            "Coupon deduction: on an on-demand line, its share of what the customer's CASH "
            "coupons paid of the day's charge (split in proportion at scale 8); on an order "
            "line, the order's coupons' share."
        )
    )
    cash_paid: Money = strawberry.field(description="Paid from cash.")
    credit_paid: Money = strawberry.field(description="Paid on credit.")
    amount_due: Money = strawberry.field(
        description="list - discount - coupon; what is neither cash nor credit went to arrears."
    )

    @classmethod
    def of(cls, row: Any) -> ConsumptionAmounts:
        get = row.get if isinstance(row, Mapping) else lambda k: getattr(row, k, None)
        return cls(
            list_amount=_m(get("list_amount")),
            discount=_m(get("discount")),
            coupon=_m(get("coupon")),
            cash_paid=_m(get("cash_paid")),
            credit_paid=_m(get("credit_paid")),
            amount_due=_m(get("amount_due")),
        )


DETAIL_FIELDS = (
    "id",
    "customer_id",
    "resource_id",
    "bill_cycle",
    "day",
    "kind",
    "service_type",
    "region",
    "billing_mode",
    "usage",
    "unit",
    "unit_price",
    "order_id",
    "product_id",
    "corrects_cycle",
    "corrects_day",
    "corrects_samples",
    *AMOUNT_FIELDS,
)


@strawberry.type(
    description="One consumption line: a resource-day, an order, a correction, or a refund."
)
class ConsumptionDetail(Node):
    customer_id: strawberry.Private[int]
    resource_id: strawberry.Private[int | None]
    bill_cycle: str = strawberry.field(description="Bill cycle, YYYY-MM.")
    day: date = strawberry.field(
        description=(
            "Business day of the line (the business time zone, Asia/Shanghai by default): the "
            "day DAY summaries group it under. A correction is dated the day it was booked."
        )
    )
    business_date: date = strawberry.field(
        description="The business date of the line: the same as `day` (every dated type has one)."
    )
    kind: ConsumptionDetailKind = strawberry.field(description="What the line records.")
    service_type: ServiceType = strawberry.field(description="Cloud service.")
    region: str = strawberry.field(description="Region.")
    billing_mode: BillingMode = strawberry.field(description="Billing mode.")
    usage: Decimal = strawberry.field(description="Usage quantity (scale 8).")
    unit: str = strawberry.field(description="Unit of the usage (hour, GB, Mbps-month, order).")
    unit_price: Decimal | None = strawberry.field(description="Catalog unit price (scale 8).")
    order_id: strawberry.Private[int | None]
    product_id: strawberry.Private[int | None]
    amounts: ConsumptionAmounts = strawberry.field(description="Rated amounts.")
    corrects_cycle: str | None = strawberry.field(
        description=(
            "For a correction: the closed cycle whose usage it adds; for a refund: the cycle "
            "of the refunded order's line."
        )
    )
    corrects_day: date | None = strawberry.field(
        description=(
            "For a correction: the business day the usage happened (for late bandwidth "
            "samples: the corrected cycle's last day, where its 95th-percentile line is); for "
            "a refund: the day of the refunded order's line."
        )
    )
    corrects_samples: int | None = strawberry.field(
        description=(
            "For a bandwidth correction: how many late 5-minute samples of the corrected "
            "cycle it adds (its amount is what the recomputed 95th percentile adds)."
        )
    )

    @strawberry.field(description="The customer.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(
        description=(
            "The paid order of a prepaid line, or the refunded order of a refund line "
            "(null for usage lines)."
        )
    )
    async def order(
        self, info: strawberry.Info
    ) -> Annotated[Order, strawberry.lazy("app.schema.orders.orders")] | None:
        from app.schema.orders.orders import Order

        if self.order_id is None:
            return None
        row = await info.context.loaders.order.load(self.order_id)
        return None if row is None else Order.from_row(row)

    @strawberry.field(description="The catalog product the line was rated with.")
    async def product(
        self, info: strawberry.Info
    ) -> Annotated[Product, strawberry.lazy("app.schema.orders.products")] | None:
        from app.schema.orders.products import Product

        if self.product_id is None:
            return None
        row = await info.context.loaders.product.load(self.product_id)
        return None if row is None else Product.from_row(row)

    @strawberry.field(description="The resource (null for lines without one).")
    async def resource(
        self, info: strawberry.Info
    ) -> Annotated[Resource, strawberry.lazy("app.schema.customers.resources")] | None:
        from app.schema.customers.resources import Resource

        if self.resource_id is None:
            return None
        row = await info.context.loaders.resource.load(self.resource_id)
        return None if row is None else Resource.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> ConsumptionDetail:
        values = row_values(row, DETAIL_FIELDS)
        return cls(
            id=strawberry.ID(to_global_id("ConsumptionDetail", values["id"])),
            customer_id=values["customer_id"],
            resource_id=values["resource_id"],
            bill_cycle=values["bill_cycle"],
            day=values["day"],
            business_date=values["day"],
            kind=values["kind"],
            service_type=values["service_type"],
            region=values["region"],
            billing_mode=values["billing_mode"],
            usage=values["usage"],
            unit=values["unit"],
            unit_price=values["unit_price"],
            order_id=values["order_id"],
            product_id=values["product_id"],
            amounts=ConsumptionAmounts.of(values),
            corrects_cycle=values["corrects_cycle"],
            corrects_day=values["corrects_day"],
            corrects_samples=values["corrects_samples"],
        )


@strawberry.type(description="A bill cycle's state.")
class BillCycleState:
    cycle: str = strawberry.field(description="Bill cycle, YYYY-MM.")
    status: CycleStatus = strawberry.field(description="PROVISIONAL or FINAL.")
    as_of: datetime = strawberry.field(
        description="When the numbers hold: now while PROVISIONAL, the closing time when FINAL."
    )

    @classmethod
    def of(cls, state: Any) -> BillCycleState:
        return cls(cycle=state.cycle, status=state.status, as_of=state.as_of)


@strawberry.type(description="One row of a consumption summary: its dimensions and totals.")
class ConsumptionSummaryRow:
    customer_db_id: strawberry.Private[int | None]
    cycle: str | None = strawberry.field(description="Bill cycle (when grouped by CYCLE).")
    service_type: ServiceType | None = strawberry.field(description="When grouped by service.")
    region: str | None = strawberry.field(description="When grouped by REGION.")
    billing_mode: BillingMode | None = strawberry.field(description="When grouped by mode.")
    day: date | None = strawberry.field(description="When grouped by DAY.")
    lines: int = strawberry.field(description="How many detail lines the row sums.")
    usage: Decimal | None = strawberry.field(
        description="Total usage, when every line of the row has the same unit (else null)."
    )
    unit: str | None = strawberry.field(description="The unit of `usage` (null when mixed).")
    amounts: ConsumptionAmounts = strawberry.field(description="Totals.")

    @strawberry.field(description="The customer (when grouped by CUSTOMER).")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        if self.customer_db_id is None:
            return None
        row = await info.context.loaders.customer.load(self.customer_db_id)
        return None if row is None else Customer.from_row(row)


@strawberry.type(description="Consumption totals grouped by the requested dimensions.")
class ConsumptionSummary:
    cycle_status: CycleStatus = strawberry.field(
        description="FINAL only when every cycle of the range is closed."
    )
    as_of: datetime = strawberry.field(description="When these numbers hold.")
    cycles: list[BillCycleState] = strawberry.field(description="Each cycle of the range.")
    rows: list[ConsumptionSummaryRow] = strawberry.field(description="The grouped totals.")

    @classmethod
    def of(cls, summary: Any) -> ConsumptionSummary:
        return cls(
            cycle_status=CycleStatus.FINAL if summary.final else CycleStatus.PROVISIONAL,
            as_of=summary.as_of,
            cycles=[BillCycleState.of(s) for s in summary.cycles],
            rows=[
                ConsumptionSummaryRow(
                    customer_db_id=r.customer_id,
                    cycle=r.cycle,
                    service_type=r.service_type,
                    region=r.region,
                    billing_mode=r.billing_mode,
                    day=r.day,
                    lines=r.lines,
                    usage=r.usage,
                    unit=r.unit,
                    amounts=ConsumptionAmounts.of(r.sums),
                )
                for r in summary.rows
            ],
        )


@strawberry.type(description="A customer's consumption in one bill cycle.")
class CustomerConsumption:
    cycle: str = strawberry.field(description="Bill cycle, YYYY-MM.")
    cycle_status: CycleStatus = strawberry.field(description="PROVISIONAL or FINAL.")
    as_of: datetime = strawberry.field(description="When these numbers hold.")
    lines: int = strawberry.field(description="How many detail lines.")
    amounts: ConsumptionAmounts = strawberry.field(description="Totals of the cycle.")

    @classmethod
    def of(cls, cycle: str, totals: Any, state: Any) -> CustomerConsumption:
        return cls(
            cycle=cycle,
            cycle_status=state.status,
            as_of=state.as_of,
            lines=int((totals or {}).get("lines") or 0),
            amounts=ConsumptionAmounts.of(totals or {}),
        )
