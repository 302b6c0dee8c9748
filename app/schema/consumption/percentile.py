"""95th-percentile bandwidth bills and the corrections late samples made to them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from app.schema.core.money import Money, money


@strawberry.type(
    description=(
        "Late 5-minute samples of a billed cycle, booked as a correction line in a later "
        "cycle: the 95th percentile recomputed over every sample of the billed cycle, and what "
        "the correction charged (never below zero: a written bill is never lowered)."
    )
)
class PercentileCorrection:
    booked_in_cycle: str = strawberry.field(description="The cycle whose correction line it is.")
    samples_added: int = strawberry.field(description="Late samples this booking added.")
    sample_count: int = strawberry.field(
        description="Samples of the corrected cycle after it (billed and late)."
    )
    discarded_count: int = strawberry.field(description="Top samples discarded: floor(5 %).")
    billable_mbps: Decimal = strawberry.field(description="The recomputed billable peak (Mbps).")
    billable_sampled_at: datetime | None = strawberry.field(
        description="When the recomputed billable sample was taken."
    )
    days_with_traffic: int = strawberry.field(description="Business days with traffic.")
    recomputed_amount: Money = strawberry.field(
        description="The bill recomputed over every sample (scale 8)."
    )
    amount: Money = strawberry.field(
        description=(
            "What this booking charged: how much the recomputed amount exceeds the bill and "
            "the earlier corrections, or 0."
        )
    )
    booked_at: datetime = strawberry.field(description="When the late samples were booked.")

    @classmethod
    def from_row(cls, row: Any) -> PercentileCorrection:
        return cls(
            booked_in_cycle=row.bill_cycle,
            samples_added=row.samples_added,
            sample_count=row.sample_count,
            discarded_count=row.discarded_count,
            billable_mbps=row.billable_mbps,
            billable_sampled_at=row.billable_sampled_at,
            days_with_traffic=row.days_with_traffic,
            recomputed_amount=money(row.recomputed_amount),
            amount=money(row.amount),
            booked_at=row.created_at,
        )


@strawberry.type(description="A 95th-percentile bandwidth bill, with what explains it.")
class PercentileBill:
    resource_id: strawberry.Private[int]
    cycle: str = strawberry.field(description="Bill cycle, YYYY-MM.")
    sample_count: int = strawberry.field(
        description="5-minute samples in the cycle when it was billed (late ones: `corrections`)."
    )
    discarded_count: int = strawberry.field(description="Top samples discarded: floor(5 %).")
    billable_mbps: Decimal = strawberry.field(description="The billable peak (Mbps).")
    billable_sampled_at: datetime | None = strawberry.field(
        description="When the billable sample was taken."
    )
    days_with_traffic: int = strawberry.field(description="Business days with traffic.")
    days_in_month: int = strawberry.field(description="Days in the cycle.")
    unit_price: Money = strawberry.field(description="Monthly price per Mbps (scale 8).")
    amount: Money = strawberry.field(
        description="peak x unit price x days with traffic / days in month (scale 8)."
    )

    @strawberry.field(
        description="Late samples of this cycle booked as corrections later, oldest first."
    )
    async def corrections(self, info: strawberry.Info) -> list[PercentileCorrection]:
        from app.resolvers.consumption import consumption as consumption_resolvers

        rows = await consumption_resolvers.percentile_corrections(
            info.context, self.resource_id, self.cycle
        )
        return [PercentileCorrection.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: Any) -> PercentileBill:
        return cls(
            resource_id=row.resource_id,
            cycle=row.bill_cycle,
            sample_count=row.sample_count,
            discarded_count=row.discarded_count,
            billable_mbps=row.billable_mbps,
            billable_sampled_at=row.billable_sampled_at,
            days_with_traffic=row.days_with_traffic,
            days_in_month=row.days_in_month,
            unit_price=money(row.unit_price),
            amount=money(row.amount),
        )
