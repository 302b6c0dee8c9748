"""Consumption: usage records, rated details, their rollups, daily charges and bill cycles.

The big tables (usage records, details, bandwidth samples) are append-mostly and keyed for
range scans by `(partner_id, bill_cycle, ...)` (DESIGN.md > Storage). Rated amounts are at
scale 8; what the ledger charged is at scale 2, and the difference is kept on the charge row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.consumption.enums import BillCycleStatus, DetailKind
from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import Money, UTCDateTime
from app.models.customers.enums import BillingMode, ServiceType

ZERO8 = Decimal("0E-8")


class UsageRecord(Base):
    """One metered usage record as the platform sent it (usually one resource-hour).

    `source_id` is the platform's id of the record, unique per partner: ingesting it again
    changes nothing. `detail_id` is set once the record is rated into a consumption detail.
    """

    __tablename__ = "usage_records"
    __table_args__ = (
        UniqueConstraint("partner_id", "source_id", name="uq_usage_records_partner_source"),
        Index("ix_usage_records_partner_pending", "partner_id", "rated", "business_day"),
        Index("ix_usage_records_partner_detail", "partner_id", "detail_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    source_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[int] = mapped_column()
    resource_id: Mapped[int] = mapped_column()
    service_type: Mapped[ServiceType] = mapped_column(enum_column(ServiceType))
    region: Mapped[str] = mapped_column(String(50))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    business_day: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Money(8))
    unit: Mapped[str] = mapped_column(String(30))
    rated: Mapped[bool] = mapped_column(default=False)
    detail_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


co_locate(UsageRecord, customer_id="customers", resource_id="resources")


class ConsumptionDetail(Base):
    """One line of a bill: a resource's day of on-demand usage, a paid yearly/monthly order,
    a 95th-percentile bandwidth month, a correction of a closed cycle, or the negative line of
    a refund of a paid order (`order_id` the refunded order).

    Amounts are at scale 8: `amount_due = list_amount - discount - coupon`, and
    `amount_due = cash_paid + credit_paid + what went into arrears`.
    """

    __tablename__ = "consumption_details"
    __table_args__ = (
        Index("ix_consumption_details_partner_cycle", "partner_id", "bill_cycle", "id"),
        Index(
            "ix_consumption_details_partner_customer",
            "partner_id",
            "bill_cycle",
            "customer_id",
            "id",
        ),
        Index(
            "ix_consumption_details_partner_resource",
            "partner_id",
            "resource_id",
            "bill_cycle",
            "day",
        ),
        Index("ix_consumption_details_partner_day", "partner_id", "bill_cycle", "day", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[DetailKind] = mapped_column(enum_column(DetailKind))
    customer_id: Mapped[int] = mapped_column()
    resource_id: Mapped[int | None] = mapped_column()
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    order_id: Mapped[int | None] = mapped_column()
    service_type: Mapped[ServiceType] = mapped_column(enum_column(ServiceType))
    region: Mapped[str] = mapped_column(String(50))
    billing_mode: Mapped[BillingMode] = mapped_column(enum_column(BillingMode))
    usage: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    unit: Mapped[str] = mapped_column(String(30), default="")
    unit_price: Mapped[Decimal | None] = mapped_column(Money(8))
    list_amount: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    discount: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    coupon: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    cash_paid: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    credit_paid: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    amount_due: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    # A correction line: the closed cycle (and day) whose usage it adds; a refund line: the
    # cycle (and day) of the refunded order's line.
    corrects_cycle: Mapped[str | None] = mapped_column(String(7))
    corrects_day: Mapped[date | None] = mapped_column(Date)
    # A bandwidth correction: how many late 5-minute samples of the closed cycle it adds.
    corrects_samples: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


co_locate(ConsumptionDetail, customer_id="customers", resource_id="resources")


class ConsumptionCharge(Base):
    """What a customer was charged for one business day: the rated total (scale 8), the
    ledger charge (rounded half-up to 0.01) and the rounding between them."""

    __tablename__ = "consumption_charges"
    __table_args__ = (
        UniqueConstraint("partner_id", "customer_id", "day", name="uq_consumption_charges_day"),
        Index("ix_consumption_charges_partner_cycle", "partner_id", "bill_cycle", "customer_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    day: Mapped[date] = mapped_column(Date)
    rated: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    charged: Mapped[Decimal] = mapped_column(Money(2), default=Decimal("0.00"))
    rounding: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    # What CASH coupons paid of the day's on-demand charge (cents, before cash and credit).
    coupon: Mapped[Decimal] = mapped_column(Money(2), default=Decimal("0.00"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


co_locate(ConsumptionCharge, customer_id="customers")


ROLLUP_SUMS = (
    "usage",
    "list_amount",
    "discount",
    "coupon",
    "cash_paid",
    "credit_paid",
    "amount_due",
)


class ConsumptionRollup(Base):
    """Totals per (partner, cycle, customer, service type, region, billing mode, unit)."""

    __tablename__ = "consumption_rollups"
    __table_args__ = (
        UniqueConstraint(
            "partner_id",
            "bill_cycle",
            "customer_id",
            "service_type",
            "region",
            "billing_mode",
            "unit",
            name="uq_consumption_rollups_key",
        ),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    customer_id: Mapped[int] = mapped_column()
    service_type: Mapped[ServiceType] = mapped_column(enum_column(ServiceType))
    region: Mapped[str] = mapped_column(String(50))
    billing_mode: Mapped[BillingMode] = mapped_column(enum_column(BillingMode))
    unit: Mapped[str] = mapped_column(String(30))
    lines: Mapped[int] = mapped_column(Integer, default=0)
    usage: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    list_amount: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    discount: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    coupon: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    cash_paid: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    credit_paid: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    amount_due: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)


co_locate(ConsumptionRollup, customer_id="customers")


class ConsumptionDayRollup(Base):
    """Totals per (partner, cycle, day, service type, region, unit): the DAY summaries."""

    __tablename__ = "consumption_day_rollups"
    __table_args__ = (
        UniqueConstraint(
            "partner_id",
            "bill_cycle",
            "day",
            "service_type",
            "region",
            "unit",
            name="uq_consumption_day_rollups_key",
        ),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    day: Mapped[date] = mapped_column(Date)
    service_type: Mapped[ServiceType] = mapped_column(enum_column(ServiceType))
    region: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(30))
    lines: Mapped[int] = mapped_column(Integer, default=0)
    usage: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    list_amount: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    discount: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    coupon: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    cash_paid: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    credit_paid: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)
    amount_due: Mapped[Decimal] = mapped_column(Money(8), default=ZERO8)


class BillCycle(Base):
    """A closed bill cycle (platform-wide): its numbers are FINAL and never change.

    A cycle without a row is PROVISIONAL (still accruing)."""

    __tablename__ = "bill_cycles"

    cycle: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[BillCycleStatus] = mapped_column(enum_column(BillCycleStatus))
    closed_at: Mapped[datetime] = created_at_column()
    # When the retention purge removed the last of the cycle's details (rollups stay).
    details_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BandwidthSample(Base):
    """A 5-minute bandwidth sample (Mbps) of a 95th-percentile resource.

    `bill_cycle` is the cycle whose bill the sample is evidence of: the cycle it was taken in,
    or, for a late sample of an already billed cycle, the open cycle it was booked in, with
    `corrects_cycle` naming the cycle it was taken in (its correction line is there)."""

    __tablename__ = "bandwidth_samples"
    __table_args__ = (
        # A resource belongs to one partner: with partner_id the rule is the same one.
        UniqueConstraint(
            "partner_id", "resource_id", "sampled_at", name="uq_bandwidth_samples_resource_time"
        ),
        Index("ix_bandwidth_samples_partner_cycle", "partner_id", "bill_cycle", "resource_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    resource_id: Mapped[int] = mapped_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    sampled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mbps: Mapped[Decimal] = mapped_column(Money(8))
    corrects_cycle: Mapped[str | None] = mapped_column(String(7))


co_locate(BandwidthSample, customer_id="customers", resource_id="resources")


class PercentileBill(Base):
    """The explained 95th-percentile bill of one bandwidth resource for one cycle."""

    __tablename__ = "percentile_bills"
    __table_args__ = (
        # A resource belongs to one partner: with partner_id the rule is the same one.
        UniqueConstraint(
            "partner_id", "resource_id", "bill_cycle", name="uq_percentile_bills_resource_cycle"
        ),
        Index("ix_percentile_bills_partner_cycle", "partner_id", "bill_cycle", "resource_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    resource_id: Mapped[int] = mapped_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    sample_count: Mapped[int] = mapped_column(Integer)
    discarded_count: Mapped[int] = mapped_column(Integer)
    billable_mbps: Mapped[Decimal] = mapped_column(Money(8))
    billable_sampled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    days_with_traffic: Mapped[int] = mapped_column(Integer)
    days_in_month: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money(8))
    amount: Mapped[Decimal] = mapped_column(Money(8))
    detail_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


co_locate(PercentileBill, customer_id="customers", resource_id="resources")


class PercentileCorrection(Base):
    """Late bandwidth samples of a billed cycle, booked in a later cycle: the 95th percentile
    recomputed over every sample of the billed cycle, and what the correction line added."""

    __tablename__ = "percentile_corrections"
    __table_args__ = (
        Index(
            "ix_percentile_corrections_partner_resource",
            "partner_id",
            "resource_id",
            "corrects_cycle",
        ),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    resource_id: Mapped[int] = mapped_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    corrects_cycle: Mapped[str] = mapped_column(String(7))
    detail_id: Mapped[int] = mapped_column()
    samples_added: Mapped[int] = mapped_column(Integer)
    sample_count: Mapped[int] = mapped_column(Integer)
    discarded_count: Mapped[int] = mapped_column(Integer)
    billable_mbps: Mapped[Decimal] = mapped_column(Money(8))
    billable_sampled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    days_with_traffic: Mapped[int] = mapped_column(Integer)
    days_in_month: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money(8))
    recomputed_amount: Mapped[Decimal] = mapped_column(Money(8))
    amount: Mapped[Decimal] = mapped_column(Money(8))
    created_at: Mapped[datetime] = created_at_column()


co_locate(PercentileCorrection, customer_id="customers", resource_id="resources")
