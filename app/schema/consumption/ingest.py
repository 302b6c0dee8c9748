"""The platform's consumption mutations: ingest usage, close a cycle, rate the 95th percentile."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.resolvers.consumption import consumption as resolvers
from app.schema.consumption.consumption import BillCycleState
from app.schema.consumption.enums import UsageRecordKind
from app.schema.core.errors import UserError
from app.schema.customers.enums import ServiceType

if TYPE_CHECKING:
    pass


@strawberry.input(description="One usage record or bandwidth sample, as the platform meters it.")
class UsageRecordInput:
    source_id: str = strawberry.field(description="The platform's record id (idempotency key).")
    resource_id: strawberry.ID = strawberry.field(
        description=(
            "The metered resource: its global id (an integer row id is accepted too, as in "
            "the CLI's files)."
        )
    )
    kind: UsageRecordKind = strawberry.field(
        default=UsageRecordKind.USAGE, description="Usage (default) or a bandwidth sample."
    )
    service_type: ServiceType | None = strawberry.field(
        default=None, description="Usage: the resource's service."
    )
    region: str | None = strawberry.field(default=None, description="Usage: the region.")
    start_at: datetime | None = strawberry.field(default=None, description="Usage: start.")
    end_at: datetime | None = strawberry.field(
        default=None, description="Usage: end (same business day)."
    )
    quantity: Decimal | None = strawberry.field(
        default=None, description="Usage: quantity, at most 8 decimals."
    )
    unit: str | None = strawberry.field(default=None, description="Usage: the product's unit.")
    sampled_at: datetime | None = strawberry.field(
        default=None, description="Sample: when it was taken."
    )
    mbps: Decimal | None = strawberry.field(default=None, description="Sample: bandwidth, Mbps.")


@strawberry.input(description="A small batch of usage records (files go through the CLI).")
class IngestUsageInput:
    records: list[UsageRecordInput] = strawberry.field(
        description="At most MAX_INGEST_BATCH (1,000) records."
    )


@strawberry.type(description="A record that was not ingested, and why.")
class RejectedRecord:
    index: int = strawberry.field(description="Its index in `records`.")
    source_id: str | None = strawberry.field(description="Its sourceId.")
    field: str | None = strawberry.field(
        description="The record's field at fault, e.g. resourceId (null: the whole record)."
    )
    reason: str = strawberry.field(description="Why it was rejected.")


@strawberry.type(description="Result of `ingestUsage`.")
class IngestUsagePayload:
    read: int = strawberry.field(description="Records received.")
    inserted: int = strawberry.field(description="Records stored.")
    duplicates: int = strawberry.field(description="Records already known (ignored).")
    rejected: list[RejectedRecord] = strawberry.field(description="Records refused.")
    rated_records: int = strawberry.field(description="Records rated (of ended days).")
    late_samples: int = strawberry.field(
        description=(
            "Bandwidth samples of an already billed cycle: booked as correction lines of the "
            "open cycle (the billed cycle's bill never changes)."
        )
    )
    user_errors: list[UserError] = strawberry.field(description="Why the call was refused.")


async def ingest_usage(
    info: strawberry.Info,
    input: Annotated[IngestUsageInput, strawberry.argument(description="The records.")],
) -> IngestUsagePayload:
    outcome = await resolvers.ingest_usage(info.context, input)
    r = outcome.value
    return IngestUsagePayload(
        read=r.read if r else 0,
        inserted=r.inserted if r else 0,
        duplicates=r.duplicates if r else 0,
        rejected=[
            RejectedRecord(index=x.line, source_id=x.source_id, field=x.field, reason=x.reason)
            for x in r.rejected
        ]
        if r
        else [],
        rated_records=r.rating.records if r else 0,
        late_samples=r.late_samples if r else 0,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )


@strawberry.input(description="A bill cycle to act on.")
class BillCycleInput:
    cycle: str = strawberry.field(description="Bill cycle, YYYY-MM (must have ended).")


@strawberry.type(description="Result of `closeBillCycle`.")
class CloseBillCyclePayload:
    bill_cycle: BillCycleState | None = strawberry.field(description="The closed cycle.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def close_bill_cycle(
    info: strawberry.Info,
    input: Annotated[BillCycleInput, strawberry.argument(description="The cycle.")],
) -> CloseBillCyclePayload:
    from app.models.consumption.enums import BillCycleStatus
    from app.services.consumption.cycles import CycleState

    outcome = await resolvers.close_bill_cycle(info.context, input.cycle)
    closed = outcome.value
    return CloseBillCyclePayload(
        bill_cycle=BillCycleState.of(
            CycleState(closed.cycle, BillCycleStatus.FINAL, closed.closed_at)
        )
        if closed
        else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )


@strawberry.type(description="Result of `rateBandwidthPercentile`.")
class RateBandwidthPercentilePayload:
    bills_written: int = strawberry.field(description="New 95th-percentile bills.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def rate_bandwidth_percentile(
    info: strawberry.Info,
    input: Annotated[BillCycleInput, strawberry.argument(description="The cycle.")],
) -> RateBandwidthPercentilePayload:
    outcome = await resolvers.rate_bandwidth_percentile(info.context, input.cycle)
    return RateBandwidthPercentilePayload(
        bills_written=outcome.value or 0,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )
