"""Ingest of usage records and bandwidth samples (PLATFORM; the CLI and a mutation).

Idempotent per source record: a record whose `sourceId` the partner already has is a
duplicate and changes nothing, so ingesting a file twice changes nothing. Each record is
checked on its own; a bad one is rejected with its reason and the rest go in. After the
records are stored, every ended business day with pending usage is rated
(`consumption_rating.rate_pending`).

A usage record: `{"sourceId", "resourceId", "customerId"?, "serviceType", "region",
"startAt", "endAt", "quantity", "unit"}` (an hour of usage, usually). A bandwidth sample:
`{"sourceId", "resourceId", "kind": "BANDWIDTH_SAMPLE", "sampledAt", "mbps"}`. Ids are
global ids (or integer row ids; `app.services.consumption.records` reads every field), and a
rejection names the field at fault.

A bandwidth sample of a cycle whose bill is already written (the cycle is closed, or its
95th-percentile bill was rated) is late: it is booked in the open cycle and corrects the
billed one there (`app.services.consumption.late_samples`); the written bill never changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import clock
from app.models import BandwidthSample, Product, Resource, UsageRecord
from app.models.core.ids import fill_new_ids
from app.models.customers.enums import BillingMode
from app.services.consumption import late_samples
from app.services.consumption.calendar import business_day, current_cycle, cycle_of
from app.services.consumption.rating import RatingResult, rate_pending, serialize_rating
from app.services.consumption.records import BadRecord, decimal, moment, required_id, row_id, text
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.settings import get_settings


class UsageRecordKind(StrEnum):
    """What an ingested record is (a record without `kind` is usage)."""

    USAGE = "USAGE"
    BANDWIDTH_SAMPLE = "BANDWIDTH_SAMPLE"


@dataclass(slots=True)
class Rejected:
    """A record that was not ingested, and why."""

    line: int
    source_id: str | None
    reason: str
    field: str | None = None


@dataclass(slots=True)
class IngestResult:
    read: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rating: RatingResult = field(default_factory=RatingResult)
    # Bandwidth samples of an already billed cycle, and the correction lines they made.
    late_samples: int = 0
    corrections: int = 0

    def add(self, other: IngestResult) -> None:
        self.read += other.read
        self.inserted += other.inserted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.late_samples += other.late_samples
        self.corrections += other.corrections


async def ingest_usage(ctx: ServiceContext, records: Sequence[Mapping[str, Any]]) -> IngestResult:
    """The records of one API call (platform-side): at most `max_ingest_batch` of them
    (files go through `consumption ingest`, batch by batch)."""
    ctx.principal.require_platform()
    limit = get_settings().max_ingest_batch
    if len(records) > limit:
        raise DomainError(
            ErrorCode.BATCH_TOO_LARGE,
            f"At most {limit} records per call; use `consumption ingest` for files.",
            ["records"],
        )
    return await ingest_batch(ctx, records, first_line=0)


async def ingest_batch(
    ctx: ServiceContext,
    records: Iterable[Mapping[str, Any]],
    *,
    first_line: int = 1,
    rate: bool = True,
) -> IngestResult:
    """Check and store one batch of records (platform-side); returns the counts."""
    ctx.principal.require_platform()
    session = ctx.session
    # Ingests (and rating) run one at a time: concurrent inserts of overlapping source ids
    # would otherwise wait on each other's unique-key locks in opposite orders (deadlock),
    # and a cycle closing meanwhile would leave a late sample uncorrected.
    await serialize_rating(ctx)
    result = IngestResult()
    items = list(records)
    result.read = len(items)
    ids: set[int] = set()
    for raw in items:
        with contextlib.suppress(ValueError, AttributeError):
            ids.add(required_id(raw, "resourceId", "Resource"))
    resources = {
        row.id: row
        for row in (
            await session.execute(
                select(
                    Resource.id,
                    Resource.partner_id,
                    Resource.customer_id,
                    Resource.service_type,
                    Resource.region,
                    Resource.billing_mode,
                    Resource.product_id,
                    Resource.created_at,
                    Product.unit,
                    Product.unit_price,
                )
                .outerjoin(Product, Product.id == Resource.product_id)
                .where(Resource.id.in_(ids))
            )
        ).all()
    }
    usage_rows: list[dict[str, Any]] = []
    sample_rows: list[dict[str, Any]] = []
    settled = await late_samples.settled_cycles(ctx, {r.id for r in resources.values()})
    open_cycle = current_cycle()
    for offset, raw in enumerate(items):
        line = first_line + offset
        source_id = raw.get("sourceId") if isinstance(raw, Mapping) else None
        try:
            if not isinstance(raw, Mapping):
                raise BadRecord("not an object")
            source = text(raw, "sourceId")
            if len(source) > 100:
                raise BadRecord("sourceId is longer than 100 characters", "sourceId")
            resource = resources.get(required_id(raw, "resourceId", "Resource"))
            if resource is None:
                raise BadRecord("unknown resourceId", "resourceId")
            customer_id = row_id(raw, "customerId", "Customer")
            if customer_id is not None and customer_id != resource.customer_id:
                raise BadRecord("customerId is not the resource's customer", "customerId")
            if resource.billing_mode is not BillingMode.ON_DEMAND or resource.unit_price is None:
                raise BadRecord("the resource is not billed on demand", "resourceId")
            if raw.get("kind") == UsageRecordKind.BANDWIDTH_SAMPLE:
                if resource.unit != "Mbps-month":
                    raise BadRecord(
                        "the resource is not billed on the 95th percentile", "resourceId"
                    )
                sampled_at = moment(raw, "sampledAt")
                cycle = cycle_of(business_day(sampled_at))
                late = (resource.id, cycle) in settled or cycle in settled.closed
                sample_rows.append(
                    {
                        "partner_id": resource.partner_id,
                        "customer_id": resource.customer_id,
                        "resource_id": resource.id,
                        # A late sample of a billed cycle is booked in the open cycle, as
                        # the evidence of its correction; the closed bill keeps its own.
                        "bill_cycle": open_cycle if late else cycle,
                        "corrects_cycle": cycle if late else None,
                        "sampled_at": sampled_at,
                        "mbps": decimal(raw, "mbps"),
                        "_source": source,
                        "_line": line,
                    }
                )
                continue
            if resource.unit == "Mbps-month":
                raise BadRecord("a 95th-percentile resource takes bandwidth samples", "kind")
            service = text(raw, "serviceType")
            if service != resource.service_type.value:
                raise BadRecord(f"serviceType {service} is not the resource's", "serviceType")
            region = text(raw, "region")
            if region != resource.region:
                raise BadRecord(f"region {region} is not the resource's", "region")
            start, end = moment(raw, "startAt"), moment(raw, "endAt")
            if end <= start:
                raise BadRecord("endAt is not after startAt", "endAt")
            if business_day(start) != business_day(end - timedelta(microseconds=1)):
                raise BadRecord("the record spans two business days", "endAt")
            if end > clock.now():
                raise BadRecord("the record ends in the future", "endAt")
            unit = text(raw, "unit")
            if unit != resource.unit:
                raise BadRecord(f"unit {unit} is not the product's unit {resource.unit}", "unit")
            usage_rows.append(
                {
                    "partner_id": resource.partner_id,
                    "source_id": source,
                    "customer_id": resource.customer_id,
                    "resource_id": resource.id,
                    "service_type": resource.service_type,
                    "region": resource.region,
                    "start_at": start,
                    "end_at": end,
                    "business_day": business_day(start),
                    "quantity": decimal(raw, "quantity"),
                    "unit": unit,
                    "rated": False,
                    "created_at": clock.now(),
                }
            )
        except ValueError as error:
            result.rejected.append(
                Rejected(
                    line,
                    None if source_id is None else str(source_id),
                    str(error),
                    getattr(error, "field", None),
                )
            )
    result.inserted, result.duplicates, late = await _store(ctx, usage_rows, sample_rows)
    result.late_samples = sum(late.values())
    result.corrections = await late_samples.book_corrections(ctx, late)
    if items:
        await audit.record(
            ctx,
            "consumption.ingest",
            "UsageRecord",
            None,
            partner_id=None,
            after={
                "read": result.read,
                "inserted": result.inserted,
                "duplicates": result.duplicates,
                "rejected": len(result.rejected),
                "lateSamples": result.late_samples,
            },
        )
    if rate:
        result.rating = await rate_pending(ctx)
    return result


async def _store(
    ctx: ServiceContext, usage_rows: list[dict[str, Any]], sample_rows: list[dict[str, Any]]
) -> tuple[int, int, dict[tuple[int, str], int]]:
    """Insert the new rows; (inserted, duplicates, late samples per (resource, cycle))."""
    session = ctx.session
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = duplicates = 0
    late: dict[tuple[int, str], int] = {}
    if usage_rows:
        keys = {(r["partner_id"], r["source_id"]) for r in usage_rows}
        known = set()
        for partner_id in {k[0] for k in keys}:
            sources = [k[1] for k in keys if k[0] == partner_id]
            known |= {
                (partner_id, s)
                for s in await session.scalars(
                    select(UsageRecord.source_id).where(
                        UsageRecord.partner_id == partner_id, UsageRecord.source_id.in_(sources)
                    )
                )
            }
        fresh = []
        for row in usage_rows:
            key = (row["partner_id"], row["source_id"])
            if key in known:
                duplicates += 1
            else:
                known.add(key)
                fresh.append(row)
        if fresh:
            fresh.sort(key=lambda r: r["source_id"])
            await fill_new_ids(session, UsageRecord.__table__, fresh)
            stmt = insert(UsageRecord.__table__).on_conflict_do_nothing(
                index_elements=["partner_id", "source_id"]
            )
            await session.execute(stmt, fresh)
        inserted += len(fresh)
    if sample_rows:
        keys2 = {(r["resource_id"], r["sampled_at"]) for r in sample_rows}
        known2 = set(
            (
                await session.execute(
                    select(BandwidthSample.resource_id, BandwidthSample.sampled_at).where(
                        BandwidthSample.resource_id.in_({k[0] for k in keys2}),
                        BandwidthSample.sampled_at.in_({k[1] for k in keys2}),
                    )
                )
            ).all()
        )
        fresh2 = []
        for row in sample_rows:
            key2 = (row["resource_id"], row["sampled_at"])
            if key2 in known2:
                duplicates += 1
            else:
                known2.add(key2)
                fresh2.append({k: v for k, v in row.items() if not k.startswith("_")})
                if row["corrects_cycle"] is not None:
                    late_key = (row["resource_id"], row["corrects_cycle"])
                    late[late_key] = late.get(late_key, 0) + 1
        if fresh2:
            await fill_new_ids(session, BandwidthSample.__table__, fresh2)
            stmt = insert(BandwidthSample.__table__).on_conflict_do_nothing(
                index_elements=["partner_id", "resource_id", "sampled_at"]
            )
            await session.execute(stmt, fresh2)
        inserted += len(fresh2)
    await session.flush()
    return inserted, duplicates, late
