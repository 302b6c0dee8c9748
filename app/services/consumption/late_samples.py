"""Late bandwidth samples: a closed bill never changes, the difference is a correction.

A 5-minute sample is late when its cycle's 95th-percentile bill for the resource is already
written (the cycle was rated, or closed). Readings chosen here:

- The late sample is stored booked in the open cycle (`bill_cycle`), with `corrects_cycle`
  naming the cycle it was taken in; so the written bill's `sampleCount` always equals the
  samples stored for that cycle, and the late ones are the evidence of their correction. The
  open cycle's own 95th percentile ignores them.
- The bill is recomputed over every sample of its cycle (the billed ones and all late ones so
  far). The correction line (a CORRECTION detail in the open cycle, dated today, naming the
  corrected cycle and its last day, `corrects_samples` = how many late samples it adds) is
  charged what the recomputed amount exceeds the bill plus the earlier corrections. A
  recomputation that is not higher (a late sample can lower the billable peak only by raising
  the discarded count, floor(5 %)) adds the samples at zero: the closed bill is never
  lowered nor credited. Each booking keeps its recomputed figures (`PercentileCorrection`).
- The correction is charged with today's charge of the customer, like a late usage record's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select

from app import clock
from app.models import (
    BandwidthSample,
    BillCycle,
    ConsumptionDetail,
    PercentileBill,
    PercentileCorrection,
    Product,
    Resource,
)
from app.models.consumption.consumption import ZERO8
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import (
    current_cycle,
    days_in_cycle,
    last_day,
    round8,
    today,
)
from app.services.consumption.charges import ChargeBatch, _Share, settle
from app.services.consumption.percentile import percentile_of
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.scoping import visible


@dataclass(slots=True)
class Settled:
    """The cycles whose bandwidth bills are written: closed ones, and (resource, cycle)
    pairs already rated."""

    closed: set[str] = field(default_factory=set)
    billed: set[tuple[int, str]] = field(default_factory=set)

    def __contains__(self, key: object) -> bool:
        return key in self.billed


async def settled_cycles(ctx: ServiceContext, resource_ids: Iterable[int]) -> Settled:
    session = ctx.session
    ids = set(resource_ids)
    closed = set(await session.scalars(select(BillCycle.cycle)))
    billed: set[tuple[int, str]] = set()
    if ids:
        rows = await session.execute(
            select(PercentileBill.resource_id, PercentileBill.bill_cycle).where(
                PercentileBill.resource_id.in_(ids)
            )
        )
        billed = {(resource_id, cycle) for resource_id, cycle in rows}
    return Settled(closed, billed)


def samples_of_cycle(resource_id: int, cycle: str) -> Any:
    """Every sample taken in `cycle`: the billed ones and the late ones."""
    return select(BandwidthSample.sampled_at, BandwidthSample.mbps).where(
        BandwidthSample.resource_id == resource_id,
        or_(
            and_(BandwidthSample.bill_cycle == cycle, BandwidthSample.corrects_cycle.is_(None)),
            BandwidthSample.corrects_cycle == cycle,
        ),
    )


async def book_corrections(ctx: ServiceContext, late: dict[tuple[int, str], int]) -> int:
    """Book the late samples just stored (`(resource id, cycle) -> how many`) as correction
    lines of the open cycle and charge them; returns how many bookings were made."""
    if not late:
        return 0
    session = ctx.session
    open_cycle, day = current_cycle(), today()
    if await session.get(BillCycle, open_cycle) is not None:
        raise DomainError(ErrorCode.CYCLE_CLOSED, f"The current cycle {open_cycle} is closed.")
    resources = {
        r.id: r
        for r in (
            await session.execute(
                select(
                    Resource.id,
                    Resource.partner_id,
                    Resource.customer_id,
                    Resource.product_id,
                    Resource.service_type,
                    Resource.region,
                    Product.unit,
                    Product.unit_price,
                )
                .join(Product, Product.id == Resource.product_id)
                .where(Resource.id.in_({resource_id for resource_id, _ in late}))
            )
        ).all()
    }
    batch = ChargeBatch()
    now = clock.now()
    for resource_id, cycle in sorted(late):
        r = resources[resource_id]
        bill = await session.scalar(
            select(PercentileBill).where(
                PercentileBill.resource_id == resource_id, PercentileBill.bill_cycle == cycle
            )
        )
        earlier = await session.scalar(
            select(func.sum(PercentileCorrection.amount)).where(
                PercentileCorrection.partner_id == r.partner_id,
                PercentileCorrection.resource_id == resource_id,
                PercentileCorrection.corrects_cycle == cycle,
            )
        )
        unit_price = bill.unit_price if bill is not None else r.unit_price
        p = percentile_of(list((await session.execute(samples_of_cycle(resource_id, cycle))).all()))
        days = days_in_cycle(cycle)
        recomputed = round8(p.billable_mbps * unit_price * p.days_with_traffic / days)
        billed = (bill.amount if bill is not None else ZERO8) + (earlier or ZERO8)
        amount = max(recomputed - billed, ZERO8)
        detail = await session.scalar(
            select(ConsumptionDetail).where(
                ConsumptionDetail.partner_id == r.partner_id,
                ConsumptionDetail.resource_id == resource_id,
                ConsumptionDetail.bill_cycle == open_cycle,
                ConsumptionDetail.day == day,
                ConsumptionDetail.kind == DetailKind.CORRECTION,
                ConsumptionDetail.corrects_cycle == cycle,
            )
        )
        new_line = detail is None
        if detail is None:
            detail = ConsumptionDetail(
                partner_id=r.partner_id,
                bill_cycle=open_cycle,
                day=day,
                kind=DetailKind.CORRECTION,
                customer_id=r.customer_id,
                resource_id=resource_id,
                product_id=r.product_id,
                service_type=r.service_type,
                region=r.region,
                billing_mode=BillingMode.ON_DEMAND,
                usage=ZERO8,
                unit=r.unit,
                unit_price=unit_price,
                list_amount=ZERO8,
                discount=ZERO8,
                coupon=ZERO8,
                cash_paid=ZERO8,
                credit_paid=ZERO8,
                amount_due=ZERO8,
                corrects_cycle=cycle,
                corrects_day=last_day(cycle),
                corrects_samples=0,
                created_at=now,
                updated_at=now,
            )
            session.add(detail)
        detail.corrects_samples = (detail.corrects_samples or 0) + late[(resource_id, cycle)]
        detail.list_amount += amount
        detail.amount_due += amount
        await session.flush()
        session.add(
            PercentileCorrection(
                partner_id=r.partner_id,
                customer_id=r.customer_id,
                resource_id=resource_id,
                bill_cycle=open_cycle,
                corrects_cycle=cycle,
                detail_id=detail.id,
                samples_added=late[(resource_id, cycle)],
                sample_count=p.sample_count,
                discarded_count=p.discarded_count,
                billable_mbps=p.billable_mbps,
                billable_sampled_at=p.billable_sampled_at,
                days_with_traffic=p.days_with_traffic,
                days_in_month=days,
                unit_price=unit_price,
                recomputed_amount=recomputed,
                amount=amount,
                created_at=now,
            )
        )
        batch.add(_Share(detail, new_line, ZERO8, amount))
    await settle(ctx, batch)
    return len(late)


async def get_percentile_corrections(
    ctx: ServiceContext, keys: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], list[Any]]:
    """Corrections by (resource id, corrected cycle), oldest first, among the visible."""
    if not keys:
        return {}
    rows = await ctx.session.scalars(
        select(PercentileCorrection)
        .where(
            visible(ctx.principal, PercentileCorrection),
            PercentileCorrection.resource_id.in_({r for r, _ in keys}),
            PercentileCorrection.corrects_cycle.in_({c for _, c in keys}),
        )
        .order_by(PercentileCorrection.id)
    )
    out: dict[tuple[int, str], list[Any]] = {key: [] for key in keys}
    for row in rows:
        key = (row.resource_id, row.corrects_cycle)
        if key in out:
            out[key].append(row)
    return out
