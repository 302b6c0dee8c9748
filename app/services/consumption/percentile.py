"""Monthly 95th-percentile bandwidth billing (月结95峰值计费).

Per resource and cycle: the 5-minute samples are sorted by value, descending (ties: the
earlier sample first); the top 5 % (floor(n x 0.05)) are discarded and the next sample is
the billable peak, with its value and time. Only business days with traffic (a sample above
zero) count: `amount = round8(peak x unit price x days with traffic / days in month)`, the
unit price being the product's monthly price per Mbps. A resource created mid-month is thus
prorated by the days it carried traffic; missing samples simply are not there.

The bill is stored with its explanation (`PercentileBill`) and written as a PERCENTILE
detail on the cycle's last day, charged with that day's charge. Rating a cycle is
idempotent: a resource already billed for the cycle is skipped. A sample arriving after its
cycle's bill is written corrects it in the open cycle (`late_samples`); the bill stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import BandwidthSample, BillCycle, ConsumptionDetail, PercentileBill, Resource
from app.models.consumption.consumption import ZERO8
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import (
    business_day,
    check_cycle,
    current_cycle,
    days_in_cycle,
    last_day,
    round8,
)
from app.services.consumption.charges import ChargeBatch, _Share, settle
from app.services.consumption.rating import serialize_rating
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.scoping import visible


@dataclass(frozen=True, slots=True)
class Percentile:
    sample_count: int
    discarded_count: int
    billable_mbps: Decimal
    billable_sampled_at: datetime | None
    days_with_traffic: int


def percentile_of(samples: list[tuple[datetime, Decimal]]) -> Percentile:
    """The 95th-percentile figures of (time, Mbps) samples."""
    ordered = sorted(samples, key=lambda s: (-s[1], s[0]))
    n = len(ordered)
    discarded = n * 5 // 100
    days = {business_day(at) for at, mbps in samples if mbps > 0}
    if n == 0:
        return Percentile(0, 0, ZERO8, None, 0)
    at, mbps = ordered[discarded]
    return Percentile(n, discarded, mbps, at, len(days))


async def rate_bandwidth_percentile(
    ctx: ServiceContext, cycle: str, *, only_missing: bool = True
) -> int:
    """Bill every 95th-percentile resource with samples in `cycle` (PLATFORM); returns how
    many bills were written."""
    ctx.principal.require_platform()
    check_cycle(cycle)
    if cycle >= current_cycle():
        raise DomainError(
            ErrorCode.CYCLE_NOT_ENDED, f"The cycle {cycle} has not ended yet.", ["cycle"]
        )
    if await ctx.session.get(BillCycle, cycle) is not None:
        raise DomainError(ErrorCode.CYCLE_CLOSED, f"The cycle {cycle} is closed.", ["cycle"])
    session = ctx.session
    await serialize_rating(ctx)
    billed = set(
        await session.scalars(
            select(PercentileBill.resource_id).where(PercentileBill.bill_cycle == cycle)
        )
    )
    from app.models import Product

    resources = (
        await session.execute(
            select(Resource, Product.unit_price, Product.unit)
            .join(Product, Product.id == Resource.product_id)
            .where(
                Resource.id.in_(
                    select(BandwidthSample.resource_id)
                    .where(
                        BandwidthSample.bill_cycle == cycle,
                        BandwidthSample.corrects_cycle.is_(None),
                    )
                    .distinct()
                )
            )
            .order_by(Resource.id)
        )
    ).all()
    batch = ChargeBatch()
    written = 0
    for resource, unit_price, unit in resources:
        if resource.id in billed:
            continue
        samples = [
            (at, mbps)
            for at, mbps in await session.execute(
                select(BandwidthSample.sampled_at, BandwidthSample.mbps).where(
                    BandwidthSample.resource_id == resource.id,
                    BandwidthSample.bill_cycle == cycle,
                    # late samples of an earlier cycle booked here are its correction's
                    BandwidthSample.corrects_cycle.is_(None),
                )
            )
        ]
        p = percentile_of(samples)
        days = days_in_cycle(cycle)
        amount = round8(p.billable_mbps * unit_price * p.days_with_traffic / days)
        now = clock.now()
        detail = ConsumptionDetail(
            partner_id=resource.partner_id,
            bill_cycle=cycle,
            day=last_day(cycle),
            kind=DetailKind.PERCENTILE,
            customer_id=resource.customer_id,
            resource_id=resource.id,
            product_id=resource.product_id,
            service_type=resource.service_type,
            region=resource.region,
            billing_mode=BillingMode.ON_DEMAND,
            usage=p.billable_mbps,
            unit=unit,
            unit_price=unit_price,
            list_amount=amount,
            discount=ZERO8,
            coupon=ZERO8,
            cash_paid=ZERO8,
            credit_paid=ZERO8,
            amount_due=amount,
            created_at=now,
            updated_at=now,
        )
        session.add(detail)
        await session.flush()
        session.add(
            PercentileBill(
                partner_id=resource.partner_id,
                customer_id=resource.customer_id,
                resource_id=resource.id,
                bill_cycle=cycle,
                sample_count=p.sample_count,
                discarded_count=p.discarded_count,
                billable_mbps=p.billable_mbps,
                billable_sampled_at=p.billable_sampled_at,
                days_with_traffic=p.days_with_traffic,
                days_in_month=days,
                unit_price=unit_price,
                amount=amount,
                detail_id=detail.id,
            )
        )
        batch.add(_Share(detail, True, p.billable_mbps, amount))
        written += 1
    await settle(ctx, batch)
    await audit.record(
        ctx,
        "consumption.rate_p95",
        "BillCycle",
        None,
        partner_id=None,
        after={"cycle": cycle, "bills": written},
    )
    return written


async def get_percentile_bills(
    ctx: ServiceContext, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], Any]:
    """Bills by (resource id, cycle) among those the caller may see."""
    if not keys:
        return {}
    cycles = {c for _, c in keys}
    rows = await ctx.session.execute(
        select(PercentileBill).where(
            visible(ctx.principal, PercentileBill),
            PercentileBill.resource_id.in_({r for r, _ in keys}),
            PercentileBill.bill_cycle.in_(cycles),
        )
    )
    return {(b.resource_id, b.bill_cycle): b for b in rows.scalars()}
