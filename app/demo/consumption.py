"""Demo consumption for `seed-demo`, through the same ingest path as real usage.

For the first demo partner: daily usage of a few on-demand resources of RESELLER customers
for the three cycles before the current one and the current one up to yesterday, 5-minute
bandwidth samples of one 95th-percentile resource for the previous cycle (billed with
`rate-p95`), and the oldest cycle closed. Deterministic (fixed seeds, source ids derived from
resource and day) and idempotent (ingest skips known source ids; a seeded partner is skipped).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.clock import business_tz
from app.models import BillCycle, Customer, Partner, Product, Resource, UsageRecord
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus, ServiceType
from app.services.consumption.calendar import business_day, cycle_of, cycle_start
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.ingest import ingest_batch
from app.services.consumption.percentile import rate_bandwidth_percentile
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal

RESOURCES = 8
DAILY = {"hour": (6, 24), "GB-hour": (2000, 24000), "GB": (5, 400)}


def _previous(cycle: str, months: int) -> str:
    year, month = int(cycle[:4]), int(cycle[5:])
    index = year * 12 + month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def seed_consumption(session: AsyncSession, partner: Partner) -> bool:
    """Seed the partner's demo consumption once; returns whether anything was created."""
    known = await session.scalar(
        select(UsageRecord.id).where(
            UsageRecord.partner_id == partner.id, UsageRecord.source_id.like("demo-%")
        )
    )
    if known is not None:
        return False
    ctx = ServiceContext(session, Principal.system(), request_id="seed-demo")
    rng = random.Random(7000 + partner.id)
    today = business_day(clock.now())
    current = cycle_of(today)
    first_day = business_day(cycle_start(_previous(current, 3)))
    resources = (
        await session.execute(
            select(Resource, Product.unit)
            .join(Product, Product.id == Resource.product_id)
            .join(Customer, Customer.id == Resource.customer_id)
            .where(
                Resource.partner_id == partner.id,
                Resource.billing_mode == BillingMode.ON_DEMAND,
                Product.unit.in_(list(DAILY)),
                Customer.association_type == AssociationType.RESELLER,
                Customer.ended_at.is_(None),
            )
            .order_by(Resource.id)
            .limit(RESOURCES)
        )
    ).all()
    records: list[dict[str, Any]] = []
    for resource, unit in resources:
        low, high = DAILY[unit]
        day = first_day
        while day < today:
            start = cycle_day_start(day)
            quantity = Decimal(rng.randint(low * 100, high * 100)) / 100
            records.append(
                {
                    "sourceId": f"demo-{resource.id}-{day.isoformat()}",
                    "resourceId": resource.id,
                    "serviceType": resource.service_type.value,
                    "region": resource.region,
                    "startAt": start.isoformat(),
                    "endAt": (start + timedelta(days=1)).isoformat(),
                    "quantity": str(quantity),
                    "unit": unit,
                }
            )
            day += timedelta(days=1)
    await ingest_batch(ctx, records, rate=False)
    previous = _previous(current, 1)
    bandwidth = await _bandwidth_resource(session, partner, resources)
    if bandwidth is not None:
        await ingest_batch(ctx, _samples(bandwidth, previous, rng), rate=False)
    await ingest_batch(ctx, [], rate=True)
    if bandwidth is not None:
        await rate_bandwidth_percentile(ctx, previous)
    oldest = _previous(current, 3)
    if await session.get(BillCycle, oldest) is None:
        await close_bill_cycle(ctx, oldest)
    return True


def cycle_day_start(day: date) -> datetime:
    """Midnight of a business day."""
    return datetime.combine(day, time(0), business_tz())


async def _bandwidth_resource(
    session: AsyncSession, partner: Partner, resources: list[Any]
) -> Resource | None:
    """The partner's 95th-percentile resource, created for a demo customer if it has none."""
    product = await session.scalar(
        select(Product)
        .where(Product.unit == "Mbps-month", Product.billing_mode == BillingMode.ON_DEMAND)
        .order_by(Product.id)
    )
    if product is None or not resources:
        return None
    existing = await session.scalar(
        select(Resource).where(Resource.partner_id == partner.id, Resource.name == "bw-demo-p95")
    )
    if existing is not None:
        return existing
    owner = resources[0][0]
    resource = Resource(
        partner_id=partner.id,
        customer_id=owner.customer_id,
        name="bw-demo-p95",
        service_type=ServiceType.BANDWIDTH,
        region=product.region,
        spec=product.spec,
        billing_mode=BillingMode.ON_DEMAND,
        product_id=product.id,
        status=ResourceStatus.ACTIVE,
        created_at=cycle_start(_previous(cycle_of(business_day(clock.now())), 2)),
        expires_at=None,
    )
    session.add(resource)
    await session.flush()
    return resource


def _samples(resource: Resource, cycle: str, rng: random.Random) -> list[dict[str, Any]]:
    """288 samples a day: a daily wave with a few bursts (the top 5 % the bill discards)."""
    out = []
    moment = cycle_start(cycle)
    end = cycle_start(_previous(cycle, -1))
    step = timedelta(minutes=5)
    i = 0
    while moment < end:
        slot = i % 288
        base = 20 + 40 * (1 - abs(slot - 168) / 168)
        mbps = base + rng.uniform(0, 8)
        if rng.random() < 0.03:
            mbps *= 3
        out.append(
            {
                "sourceId": f"demo-bw-{resource.id}-{i}",
                "resourceId": resource.id,
                "kind": "BANDWIDTH_SAMPLE",
                "sampledAt": moment.isoformat(),
                "mbps": f"{mbps:.2f}",
            }
        )
        moment += step
        i += 1
    return out
