"""One charge per customer per business day: what the day's details add is billed, CASH
coupons pay first, the ledger (cash, then credit, then arrears) the rest, and both are split
over the details and folded into the rollups. The arithmetic is described in
`app.services.consumption.rating`'s docstring and in docs/coupons.md > "On daily charges";
which coupons pay what is `app.services.coupons.daily_charges`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, tuple_

from app import clock
from app.models import ConsumptionCharge, ConsumptionDetail, Customer, CustomerAccount
from app.models.consumption.consumption import ZERO8
from app.services.consumption.calendar import cycle_of
from app.services.consumption.rollups import DetailDelta, apply, delta_of
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.money import round_cents
from app.services.coupons import daily_charges
from app.services.funds import credit
from app.services.funds.accounts import lock_customer_accounts


@dataclass(slots=True)
class RatingResult:
    records: int = 0
    details_created: int = 0
    details_updated: int = 0
    corrections: int = 0
    charges: int = 0
    charged: Decimal = Decimal("0.00")
    # What coupons paid of the charged days (cents).
    coupon: Decimal = Decimal("0.00")


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
    """Charge each customer-day of `batch`: coupons first, then the ledger (cash, credit,
    arrears); split both over its details, and fold the detail changes into the rollups (all
    in the caller's transaction). The arithmetic is the module's docstring's."""
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
        days: dict[int, list[date]] = defaultdict(list)
        for _, customer_id, day in keys:
            days[customer_id].append(day)
        coupons = await daily_charges.lock_day_coupons(session, partner_id, days)
        for key in keys:
            _, customer_id, day = key
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
                    coupon=Decimal("0.00"),
                )
                session.add(row)
                existing[(customer_id, day)] = row
            deltas += await _charge_day(
                ctx,
                row,
                batch.shares[key],
                accounts[customer_id],
                customers[customer_id],
                coupons.get(customer_id, []),
                result,
            )
    await apply(session, deltas)
    await session.flush()
    return result


async def _charge_day(
    ctx: ServiceContext,
    row: ConsumptionCharge,
    shares: list[_Share],
    account: CustomerAccount,
    customer: Customer,
    coupons: list[Any],
    result: RatingResult,
) -> list[DetailDelta]:
    """One customer-day: what its details add is billed (the day's gross rounded once),
    coupons pay first, the ledger the rest; returns the rollup deltas."""
    day = row.day
    added = sum((s.amount for s in shares), ZERO8)
    bill_before = row.charged + row.coupon
    bill = round_cents(row.rated + row.coupon + added)
    payable = bill - bill_before
    lines = [daily_charges.DayLine(s.detail.service_type, s.amount) for s in shares]
    paid = daily_charges.deductions(coupons, row.customer_id, day, lines, payable, clock.now())
    daily_charges.pay(ctx.session, paid, day)
    coupon_parts = [sum((d.shares.get(i, ZERO8) for d in paid), ZERO8) for i in range(len(shares))]
    coupon_paid = sum((d.amount for d in paid), Decimal("0.00"))
    to_charge = payable - coupon_paid
    cash = max(account.balance, Decimal(0))
    credit_left = account.credit_limit - min(
        max(-account.balance, Decimal(0)), account.credit_limit
    )
    cash_part = min(cash, max(to_charge, Decimal(0)))
    credit_part = min(credit_left, max(to_charge, Decimal(0)) - cash_part)
    nets = [max(s.amount - k, ZERO8) for s, k in zip(shares, coupon_parts, strict=True)]
    splits = split_payment(nets, cash_part, credit_part)
    reference = f"Consumption:{row.customer_id}:{day.isoformat()}"
    if to_charge > 0:
        await credit.charge(ctx, customer, to_charge, reference=reference)
        result.charges += 1
        result.charged += to_charge
    if to_charge > 0 or coupon_paid > 0:
        await audit.record(
            ctx,
            "consumption.charge",
            "Customer",
            row.customer_id,
            partner_id=row.partner_id,
            after={
                "day": day,
                "amount": max(to_charge, Decimal("0.00")),
                "reference": reference,
                "coupon": coupon_paid,
                "coupons": {str(d.coupon.id): d.amount for d in paid},
            },
        )
    result.coupon += coupon_paid
    row.coupon += coupon_paid
    row.rated += added - coupon_paid
    row.charged = bill - row.coupon
    row.rounding = row.charged - row.rated
    row.updated_at = clock.now()
    deltas = []
    for share, k, (c, p) in zip(shares, coupon_parts, splits, strict=True):
        detail = share.detail
        detail.coupon += k
        detail.amount_due -= k
        detail.cash_paid += c
        detail.credit_paid += p
        detail.updated_at = clock.now()
        deltas.append(
            delta_of(
                detail,
                share.new_line,
                usage=share.usage,
                list_amount=share.amount,
                coupon=k,
                amount_due=share.amount - k,
                cash_paid=c,
                credit_paid=p,
            )
        )
    return deltas
