"""Rating: usage records -> one consumption detail per resource per business day -> one
charge per customer per day (`app.services.consumption.charges.settle`).

Readings of DOMAIN.md > Consumption chosen here:

- A business day is rated once it has ended (its records are pending until then; the
  `consumption.rate` job and every ingest rate the ended days). So a customer is charged once
  per day: CASH coupons first, then `credit.charge` (cash, then credit, then arrears).
- A detail's amounts are rated at scale 8: `list = round8(usage x unit price)` over the whole
  day's usage (not per record), discount 0 for on-demand usage, `coupon` = the detail's share
  of what coupons paid of the day, `due = list - discount - coupon`.
- A late record for an already-rated day adds to that day's detail and is billed the
  difference. If the day's cycle is closed, the usage goes instead to a CORRECTION line in
  the current (open) cycle, dated today and pointing at the original cycle and day; it is
  charged with today's charge row (and today's coupons).
- A detail's `cash_paid`/`credit_paid` split its share of the ledger charge by the account
  position at charge time: cash first, then credit, the rest (arrears, and the sub-cent
  rounding) is neither.

The cents of a customer-day (per `ConsumptionCharge` row; G is the gross of its charged
lines, `sum(list - discount)`, at scale 8; every other amount is cents unless said):

    bill     B  = round_half_up(G, 0.01)          the day's bill, rounded once
    coupon   K  = what CASH coupons paid (<= B)   = sum(detail.coupon) = sum(coupon usages)
    charged  L  = B - K                           the ledger charge (sum of its postings)
    rated    R  = G - K  (scale 8)                = sum(detail.amount_due)
    rounding    = L - R = B - G  (scale 8)        what the rounding added, as before coupons

So `charged + coupon = round_half_up(rated + coupon)`; without coupons this is the old
`charged = round_half_up(rated)`. Subtracting whole cents commutes with the rounding, so
the coupons never change the bill, only who pays it.

A settlement that adds `a` (scale 8) to a day already billed `B0 = L0 + K0` (the first one
has B0 = 0; late records, a 95th-percentile line on the cycle's last day and corrections are
the later ones) bills `payable = round_half_up(G0 + a) - B0` more. Coupons valid on that day
pay first, all of them together at most `payable`, each at most its balance and its lines'
cents (`app.services.coupons.daily_charges` says exactly how much); each coupon's cents are
split over the lines it covers in proportion to what they still owe, at scale 8, the
remainder on the last line. Then the ledger charges `payable - sum(coupons)` (if > 0).
Coupons pay only what a settlement adds: what the ledger already charged is never paid again
by a coupon (that would be a refund). A coupon that covers every line of a settlement pays
all of `payable`, so the customer pays nothing rather than a cent the rounding made; those
cents may exceed the lines' scale-8 total by the rounding (the day's total below zero by at
most 0.005, `R = -rounding`), which shows as a fraction of a cent below zero on the last line.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update

from app import clock
from app.models import (
    BillCycle,
    ConsumptionDetail,
    Product,
    Resource,
    UsageRecord,
)
from app.models.consumption.consumption import ZERO8
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import current_cycle, cycle_of, round8, today
from app.services.consumption.charges import ChargeBatch, RatingResult, _Share, settle
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.jobs import job

CHUNK = 500


async def _closed(ctx: ServiceContext) -> set[str]:
    return set(await ctx.session.scalars(select(BillCycle.cycle)))


RATING_LOCK = 7_000_001


async def serialize_rating(ctx: ServiceContext) -> None:
    """One rater at a time: two concurrent ingests must not rate the same pending records
    twice. PostgreSQL: a transaction-level advisory lock; SQLite: a writing transaction
    already holds the database's write lock (BEGIN IMMEDIATE)."""
    bind = ctx.session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await ctx.session.execute(select(func.pg_advisory_xact_lock(RATING_LOCK)))


async def rate_pending(ctx: ServiceContext, *, before: date | None = None) -> RatingResult:
    """Rate every pending usage record of a business day before `before` (default: today)."""
    cutoff = before or today()
    session = ctx.session
    await serialize_rating(ctx)
    closed = await _closed(ctx)
    total = RatingResult()
    while True:
        groups = (
            await session.execute(
                select(
                    UsageRecord.partner_id,
                    UsageRecord.customer_id,
                    UsageRecord.resource_id,
                    UsageRecord.business_day,
                    func.sum(UsageRecord.quantity).label("quantity"),
                    func.count().label("records"),
                    func.max(UsageRecord.id).label("max_id"),
                )
                .where(UsageRecord.rated.is_(False), UsageRecord.business_day < cutoff)
                .group_by(
                    UsageRecord.partner_id,
                    UsageRecord.customer_id,
                    UsageRecord.resource_id,
                    UsageRecord.business_day,
                )
                .order_by(UsageRecord.resource_id, UsageRecord.business_day)
                .limit(CHUNK)
            )
        ).all()
        if not groups:
            return total
        result = await _rate_groups(ctx, groups, closed)
        total.records += result.records
        total.details_created += result.details_created
        total.details_updated += result.details_updated
        total.corrections += result.corrections
        total.charges += result.charges
        total.charged += result.charged
        total.coupon += result.coupon


async def _rate_groups(ctx: ServiceContext, groups: list[Any], closed: set[str]) -> RatingResult:
    session = ctx.session
    resource_ids = {g.resource_id for g in groups}
    resources = {
        r.id: r
        for r in (
            await session.execute(
                select(
                    Resource.id,
                    Resource.product_id,
                    Resource.service_type,
                    Resource.region,
                    Product.unit,
                    Product.unit_price,
                )
                .join(Product, Product.id == Resource.product_id)
                .where(Resource.id.in_(resource_ids))
            )
        ).all()
    }
    open_cycle = current_cycle()
    if open_cycle in closed:
        raise DomainError(ErrorCode.CYCLE_CLOSED, f"The current cycle {open_cycle} is closed.")
    correction_day = today()
    targets = []
    for g in groups:
        cycle = cycle_of(g.business_day)
        if cycle in closed:
            targets.append((g, open_cycle, correction_day, DetailKind.CORRECTION))
        else:
            targets.append((g, cycle, g.business_day, DetailKind.USAGE))
    days = {t[2] for t in targets}
    found: dict[tuple[Any, ...], ConsumptionDetail] = {}
    for detail in await session.scalars(
        select(ConsumptionDetail).where(
            ConsumptionDetail.resource_id.in_(resource_ids),
            ConsumptionDetail.day.in_(days),
            ConsumptionDetail.kind.in_([DetailKind.USAGE, DetailKind.CORRECTION]),
        )
    ):
        found[(detail.resource_id, detail.day, detail.kind, detail.corrects_day)] = detail
    batch = ChargeBatch()
    result = RatingResult()
    now = clock.now()
    for g, cycle, day, kind in targets:
        resource = resources[g.resource_id]
        corrects_day = g.business_day if kind is DetailKind.CORRECTION else None
        key = (g.resource_id, day, kind, corrects_day)
        detail = found.get(key)
        new_line = detail is None
        if detail is None:
            detail = ConsumptionDetail(
                partner_id=g.partner_id,
                bill_cycle=cycle,
                day=day,
                kind=kind,
                customer_id=g.customer_id,
                resource_id=g.resource_id,
                product_id=resource.product_id,
                service_type=resource.service_type,
                region=resource.region,
                billing_mode=BillingMode.ON_DEMAND,
                usage=ZERO8,
                unit=resource.unit,
                unit_price=resource.unit_price,
                list_amount=ZERO8,
                discount=ZERO8,
                coupon=ZERO8,
                cash_paid=ZERO8,
                credit_paid=ZERO8,
                amount_due=ZERO8,
                corrects_cycle=cycle_of(g.business_day) if corrects_day else None,
                corrects_day=corrects_day,
                created_at=now,
                updated_at=now,
            )
            session.add(detail)
            found[key] = detail
            result.details_created += 1
            result.corrections += kind is DetailKind.CORRECTION
        else:
            result.details_updated += 1
        usage = detail.usage + g.quantity
        list_amount = round8(usage * detail.unit_price)
        added = list_amount - detail.list_amount
        detail.usage, detail.list_amount = usage, list_amount
        detail.amount_due = list_amount - detail.discount - detail.coupon
        batch.add(_Share(detail, new_line, g.quantity, added))
        result.records += g.records
    await session.flush()
    # Mark the rated records with their detail.
    for g, _, day, kind in targets:
        corrects_day = g.business_day if kind is DetailKind.CORRECTION else None
        detail = found[(g.resource_id, day, kind, corrects_day)]
        await session.execute(
            update(UsageRecord)
            .where(
                UsageRecord.resource_id == g.resource_id,
                UsageRecord.business_day == g.business_day,
                UsageRecord.rated.is_(False),
                UsageRecord.id <= g.max_id,
            )
            .values(rated=True, detail_id=detail.id)
        )
    settled = await settle(ctx, batch)
    result.charges, result.charged = settled.charges, settled.charged
    result.coupon = settled.coupon
    return result


@job("consumption.rate", every=timedelta(hours=1))
async def rate_job(ctx: ServiceContext) -> str:
    """Rate the usage of every ended business day."""
    result = await rate_pending(ctx)
    return f"{result.records} records rated, {result.charges} charges"
