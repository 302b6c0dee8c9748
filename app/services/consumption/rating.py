"""Rating: usage records -> one consumption detail per resource per business day -> one
charge per customer per day.

Readings of DOMAIN.md > Consumption chosen here:

- A business day is rated once it has ended (its records are pending until then; the
  `consumption.rate` job and every ingest rate the ended days). So a customer is charged once
  per day, through `credit.charge` (cash, then credit, then arrears).
- A detail's amounts are rated at scale 8: `list = round8(usage x unit price)` over the whole
  day's usage (not per record), discount and coupon are 0 for on-demand usage, `due = list`.
- The day's charge is the customer's rated total for that day rounded half-up to 0.01; the
  `ConsumptionCharge` row keeps the rated total, what was charged and the rounding, so
  details (scale 8), rollups and the ledger reconcile to the cent.
- A late record for an already-rated day adds to that day's detail and charges the
  difference `round2(new total) - round2(old total)` (possibly 0). If the day's cycle is
  closed, the usage goes instead to a CORRECTION line in the current (open) cycle, dated
  today and pointing at the original cycle and day; it is charged with today's charge row.
- A detail's `cash_paid`/`credit_paid` split its share of the ledger charge by the account
  position at charge time: cash first, then credit, the rest (arrears, and the sub-cent
  rounding) is neither.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, tuple_, update

from app import clock
from app.models import (
    BillCycle,
    ConsumptionCharge,
    ConsumptionDetail,
    Customer,
    Product,
    Resource,
    UsageRecord,
)
from app.models.consumption.consumption import ZERO8
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.services.consumption.calendar import current_cycle, cycle_of, round8, today
from app.services.consumption.rollups import DetailDelta, apply, delta_of
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.jobs import job
from app.services.core.money import round_cents
from app.services.funds import credit
from app.services.funds.accounts import lock_customer_accounts

CHUNK = 500


@dataclass(slots=True)
class RatingResult:
    records: int = 0
    details_created: int = 0
    details_updated: int = 0
    corrections: int = 0
    charges: int = 0
    charged: Decimal = Decimal("0.00")


@dataclass(slots=True)
class _Share:
    """A detail's change awaiting its customer-day charge."""

    detail: ConsumptionDetail
    new_line: bool
    usage: Decimal
    amount: Decimal


@dataclass(slots=True)
class ChargeBatch:
    """Detail changes grouped by the customer-day charge they belong to."""

    shares: dict[tuple[int, int, date], list[_Share]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, share: _Share) -> None:
        d = share.detail
        self.shares[(d.partner_id, d.customer_id, d.day)].append(share)


def split_payment(amounts: list[Decimal], cash: Decimal, credit_left: Decimal) -> list[tuple]:
    """(cash, credit) of each amount: cash first over the amounts in order, then credit."""
    out = []
    for amount in amounts:
        c = min(amount, max(cash, ZERO8))
        cash -= c
        k = min(amount - c, max(credit_left, ZERO8))
        credit_left -= k
        out.append((c, k))
    return out


async def settle(ctx: ServiceContext, batch: ChargeBatch) -> RatingResult:
    """Charge each customer-day of `batch`, split the charge over its details, and fold the
    detail changes into the rollups (all in the caller's transaction)."""
    result = RatingResult()
    if not batch.shares:
        return result
    session = ctx.session
    by_partner: dict[int, set[int]] = defaultdict(set)
    for partner_id, customer_id, _ in batch.shares:
        by_partner[partner_id].add(customer_id)
    customers = {
        c.id: c
        for c in await session.scalars(
            select(Customer).where(Customer.id.in_({c for s in by_partner.values() for c in s}))
        )
    }
    existing = {
        (row.customer_id, row.day): row
        for row in await session.scalars(
            select(ConsumptionCharge).where(
                tuple_(ConsumptionCharge.customer_id, ConsumptionCharge.day).in_(
                    [(c, d) for _, c, d in batch.shares]
                )
            )
        )
    }
    deltas: list[DetailDelta] = []
    for partner_id in sorted(by_partner):
        accounts = await lock_customer_accounts(session, partner_id, sorted(by_partner[partner_id]))
        keys = sorted(k for k in batch.shares if k[0] == partner_id)
        for key in keys:
            _, customer_id, day = key
            shares = batch.shares[key]
            added = sum((s.amount for s in shares), ZERO8)
            row = existing.get((customer_id, day))
            if row is None:
                row = ConsumptionCharge(
                    partner_id=partner_id,
                    customer_id=customer_id,
                    bill_cycle=cycle_of(day),
                    day=day,
                    rated=ZERO8,
                    charged=Decimal("0.00"),
                    rounding=ZERO8,
                )
                session.add(row)
                existing[(customer_id, day)] = row
            rated = row.rated + added
            charged = round_cents(rated)
            to_charge = charged - row.charged
            account = accounts[customer_id]
            cash = max(account.balance, Decimal(0))
            credit_left = account.credit_limit - min(
                max(-account.balance, Decimal(0)), account.credit_limit
            )
            cash_part = min(cash, to_charge)
            credit_part = min(credit_left, to_charge - cash_part)
            splits = split_payment([s.amount for s in shares], cash_part, credit_part)
            if to_charge > 0:
                reference = f"Consumption:{customer_id}:{day.isoformat()}"
                await credit.charge(ctx, customers[customer_id], to_charge, reference=reference)
                await audit.record(
                    ctx,
                    "consumption.charge",
                    "Customer",
                    customer_id,
                    partner_id=partner_id,
                    after={"day": day, "amount": to_charge, "reference": reference},
                )
                result.charges += 1
                result.charged += to_charge
            row.rated, row.charged, row.rounding = rated, charged, charged - rated
            row.updated_at = clock.now()
            for share, (c, k) in zip(shares, splits, strict=True):
                detail = share.detail
                detail.cash_paid += c
                detail.credit_paid += k
                detail.updated_at = clock.now()
                deltas.append(
                    delta_of(
                        detail,
                        share.new_line,
                        usage=share.usage,
                        list_amount=share.amount,
                        amount_due=share.amount,
                        cash_paid=c,
                        credit_paid=k,
                    )
                )
    await apply(session, deltas)
    await session.flush()
    return result


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
    return result


@job("consumption.rate", every=timedelta(hours=1))
async def rate_job(ctx: ServiceContext) -> str:
    """Rate the usage of every ended business day."""
    result = await rate_pending(ctx)
    return f"{result.records} records rated, {result.charges} charges"
