"""Ingest of usage records and bandwidth samples (PLATFORM; the CLI and a mutation).

Idempotent per source record: a record whose `sourceId` the partner already has is a
duplicate and changes nothing, so ingesting a file twice changes nothing. Each record is
checked on its own; a bad one is rejected with its reason and the rest go in. After the
records are stored, every ended business day with pending usage is rated
(`consumption_rating.rate_pending`).

A usage record: `{"sourceId", "resourceId", "customerId"?, "serviceType", "region",
"startAt", "endAt", "quantity", "unit"}` (an hour of usage, usually). A bandwidth sample:
`{"sourceId", "resourceId", "kind": "BANDWIDTH_SAMPLE", "sampledAt", "mbps"}`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import clock
from app.models import BandwidthSample, Product, Resource, UsageRecord
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import business_day, cycle_of
from app.services.consumption.rating import RatingResult, rate_pending, serialize_rating
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


@dataclass(slots=True)
class IngestResult:
    read: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rating: RatingResult = field(default_factory=RatingResult)

    def add(self, other: IngestResult) -> None:
        self.read += other.read
        self.inserted += other.inserted
        self.duplicates += other.duplicates
        self.rejected += other.rejected


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None or str(value).strip() == "":
        raise ValueError(f"{name} is missing")
    return str(value).strip()


def _moment(raw: Mapping[str, Any], name: str) -> datetime:
    value = _text(raw, name)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(f"{name} is not an ISO 8601 timestamp") from error
    if moment.tzinfo is None:
        raise ValueError(f"{name} has no time zone")
    return moment


def _decimal(raw: Mapping[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(_text(raw, name))
    except InvalidOperation as error:
        raise ValueError(f"{name} is not a number") from error
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be zero or more")
    if value != value.quantize(Decimal("0.00000001")):
        raise ValueError(f"{name} has more than 8 decimal places")
    return value


def _resource_id(raw: Mapping[str, Any]) -> int:
    try:
        return int(_text(raw, "resourceId"))
    except ValueError as error:
        raise ValueError(
            str(error) if "missing" in str(error) else "resourceId is not an id"
        ) from error


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
    result = IngestResult()
    items = list(records)
    result.read = len(items)
    ids: set[int] = set()
    for raw in items:
        with contextlib.suppress(ValueError, AttributeError):
            ids.add(_resource_id(raw))
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
    for offset, raw in enumerate(items):
        line = first_line + offset
        source_id = raw.get("sourceId") if isinstance(raw, Mapping) else None
        try:
            if not isinstance(raw, Mapping):
                raise ValueError("not an object")
            source = _text(raw, "sourceId")
            if len(source) > 100:
                raise ValueError("sourceId is longer than 100 characters")
            resource = resources.get(_resource_id(raw))
            if resource is None:
                raise ValueError("unknown resourceId")
            if raw.get("customerId") not in (None, "") and str(raw["customerId"]) != str(
                resource.customer_id
            ):
                raise ValueError("customerId is not the resource's customer")
            if resource.billing_mode is not BillingMode.ON_DEMAND or resource.unit_price is None:
                raise ValueError("the resource is not billed on demand")
            if raw.get("kind") == UsageRecordKind.BANDWIDTH_SAMPLE:
                if resource.unit != "Mbps-month":
                    raise ValueError("the resource is not billed on the 95th percentile")
                sampled_at = _moment(raw, "sampledAt")
                sample_rows.append(
                    {
                        "partner_id": resource.partner_id,
                        "customer_id": resource.customer_id,
                        "resource_id": resource.id,
                        "bill_cycle": cycle_of(business_day(sampled_at)),
                        "sampled_at": sampled_at,
                        "mbps": _decimal(raw, "mbps"),
                        "_source": source,
                        "_line": line,
                    }
                )
                continue
            if resource.unit == "Mbps-month":
                raise ValueError("a 95th-percentile resource takes bandwidth samples")
            service = _text(raw, "serviceType")
            if service != resource.service_type.value:
                raise ValueError(f"serviceType {service} is not the resource's")
            region = _text(raw, "region")
            if region != resource.region:
                raise ValueError(f"region {region} is not the resource's")
            start, end = _moment(raw, "startAt"), _moment(raw, "endAt")
            if end <= start:
                raise ValueError("endAt is not after startAt")
            if business_day(start) != business_day(end - timedelta(microseconds=1)):
                raise ValueError("the record spans two business days")
            if end > clock.now():
                raise ValueError("the record ends in the future")
            unit = _text(raw, "unit")
            if unit != resource.unit:
                raise ValueError(f"unit {unit} is not the product's unit {resource.unit}")
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
                    "quantity": _decimal(raw, "quantity"),
                    "unit": unit,
                    "rated": False,
                    "created_at": clock.now(),
                }
            )
        except ValueError as error:
            result.rejected.append(
                Rejected(line, None if source_id is None else str(source_id), str(error))
            )
    # Ingests (and rating) run one at a time: concurrent inserts of overlapping source ids
    # would otherwise wait on each other's unique-key locks in opposite orders (deadlock).
    await serialize_rating(ctx)
    result.inserted, result.duplicates = await _store(ctx, usage_rows, sample_rows)
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
            },
        )
    if rate:
        result.rating = await rate_pending(ctx)
    return result


async def _store(
    ctx: ServiceContext, usage_rows: list[dict[str, Any]], sample_rows: list[dict[str, Any]]
) -> tuple[int, int]:
    session = ctx.session
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = duplicates = 0
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
        if fresh2:
            stmt = insert(BandwidthSample.__table__).on_conflict_do_nothing(
                index_elements=["resource_id", "sampled_at"]
            )
            await session.execute(stmt, fresh2)
        inserted += len(fresh2)
    await session.flush()
    return inserted, duplicates
