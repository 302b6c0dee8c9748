"""Which CASH coupons pay a customer's day of on-demand consumption, and how much.

Consumption rating (`app.services.consumption.rating.settle`) asks this module, for each
customer-day it charges, which coupons pay what; the money arithmetic of the day (the bill
rounded once, the ledger the rest) is rating's, described in its docstring and in
docs/coupons.md > "On daily charges". Readings chosen here:

- A coupon pays a business day when it is a CASH coupon of that customer, its stored status is
  usable (AVAILABLE or PARTIALLY_USED: not used up, reclaimed, nor expired by the
  `coupons.expire` job, which has already given its value back), it has a balance, its
  validity overlaps the day (`valid_from < end of the day` and `valid_to > start of the day`,
  on the business calendar), and no unpaid order holds it *now* (a held coupon is reserved for
  that order). The validity is the day's, not the charge time's: a day is rated after it ends,
  so a coupon valid until midnight would otherwise never pay its last day; the partner reads
  "valid on the day" as it was valid while the day ran.
- Its service types must include the line's (an empty list = every service type); there is no
  minimum-order rule on daily charges.
- Coupons pay in order of expiry, oldest first, then by id. `payable` is the cents of the
  day's bill this settlement adds (rating's arithmetic); all coupons together pay at most
  that. Each coupon pays at most its balance and at most what is left of `payable`, and
  within that at most the larger of the cents of its own lines (`round_half_up` of what the
  lines it covers still owe) and what is left of `payable` once the lines it does not cover
  have their cents (`left - round_half_up(their remainders)`). So a coupon that covers every
  line pays the whole bill -- the customer is never left a cent that only the rounding made
  -- and two coupons for different services each pay their own lines.
- A coupon's deduction is split over its lines in proportion to what each still owes (scale
  8, the remainder on the last: `split.split`), so the lines' coupon shares add up to the
  coupon's deduction exactly. Since the bill's cents can exceed the lines' scale-8 amounts by
  the rounding, the last line may be left owing a fraction of a cent below zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import business_tz
from app.models import Coupon, CouponUsage
from app.models.coupons.enums import CouponKind, CouponUsageSource
from app.services.core.money import round_cents
from app.services.coupons import usages
from app.services.coupons.split import SCALE8, split
from app.services.coupons.states import USABLE, ZERO, is_held


@dataclass(frozen=True, slots=True)
class DayLine:
    """What one consumption line adds to the day's charge: its service type (a
    `ServiceType` value) and its amount (scale 8)."""

    service_type: str
    amount: Decimal


@dataclass(slots=True)
class Deduction:
    """What one coupon pays of a day (cents) and each line's share of it (line index ->
    scale-8 share; the shares add up to `amount`)."""

    coupon: Coupon
    amount: Decimal
    shares: dict[int, Decimal] = field(default_factory=dict)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of a business day and the first after it, in UTC."""
    start = datetime.combine(day, time(0), business_tz()).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), business_tz()).astimezone(UTC)
    return start, end


def covers(coupon: Coupon, service_type: str) -> bool:
    """The coupon applies to the service type (an empty list applies to all)."""
    types = coupon.service_types or []
    return not types or str(service_type) in {str(t) for t in types}


def pays_day(coupon: Coupon, customer_id: int, day: date, now: datetime) -> bool:
    """The coupon may pay the customer's on-demand charge of `day` (see the module's doc)."""
    start, end = day_bounds(day)
    return (
        coupon.kind == CouponKind.CASH
        and coupon.customer_id == customer_id
        and coupon.status in USABLE
        and coupon.balance > ZERO
        and coupon.valid_from < end
        and coupon.valid_to > start
        and not is_held(coupon, now)
    )


async def lock_day_coupons(
    session: AsyncSession, partner_id: int, days: Mapping[int, Iterable[date]]
) -> dict[int, list[Coupon]]:
    """The CASH coupons that may pay some of `days` (customer id -> the days charged),
    locked by id (after the customer accounts: the lock order), by customer.

    A superset: `deductions` checks each coupon against each day after the lock (the lock
    re-reads them, so a use, hold or reclaim committed meanwhile is seen)."""
    wanted = {c: sorted(set(d)) for c, d in days.items() if d}
    if not wanted:
        return {}
    first = min(d[0] for d in wanted.values())
    last = max(d[-1] for d in wanted.values())
    ids = list(
        await session.scalars(
            select(Coupon.id).where(
                Coupon.partner_id == partner_id,
                Coupon.customer_id.in_(sorted(wanted)),
                Coupon.kind == CouponKind.CASH,
                Coupon.status.in_(USABLE),
                Coupon.balance > ZERO,
                Coupon.valid_from < day_bounds(last)[1],
                Coupon.valid_to > day_bounds(first)[0],
            )
        )
    )
    locked = await usages.lock_coupons(session, partner_id, ids)
    out: dict[int, list[Coupon]] = defaultdict(list)
    for coupon in locked.values():
        out[coupon.customer_id].append(coupon)
    return dict(out)


def deductions(
    coupons: Iterable[Coupon],
    customer_id: int,
    day: date,
    lines: Sequence[DayLine],
    payable: Decimal,
    now: datetime,
) -> list[Deduction]:
    """What each coupon pays of the customer's `day`: `lines` are what the day's lines add
    now, `payable` the cents of the day's bill still unpaid (the coupons pay at most that).
    Nothing is changed here: `pay` records the deductions."""
    owed = [line.amount for line in lines]
    left = payable
    out: list[Deduction] = []
    usable = [c for c in coupons if pays_day(c, customer_id, day, now)]
    for coupon in sorted(usable, key=lambda c: (c.valid_to, c.id)):
        if left <= ZERO:
            break
        covered = {i for i, line in enumerate(lines) if covers(coupon, line.service_type)}
        mine = [i for i in sorted(covered) if owed[i] > 0]
        if not mine:
            continue
        own = round_cents(sum((owed[i] for i in mine), ZERO))
        others = round_cents(
            sum((o for i, o in enumerate(owed) if i not in covered and o > 0), ZERO)
        )
        amount = min(coupon.balance, left, max(own, left - others))
        if amount <= ZERO:
            continue
        parts = split(amount, [owed[i] for i in mine], SCALE8)
        deduction = Deduction(coupon, amount)
        for i, part in zip(mine, parts, strict=True):
            if part:
                deduction.shares[i] = part
                owed[i] -= part
        left -= amount
        out.append(deduction)
    return out


def pay(session: AsyncSession, paid: Iterable[Deduction], day: date) -> list[CouponUsage]:
    """Record each deduction on its (locked) coupon: one CONSUMPTION usage for the day."""
    return [
        usages.use(session, d.coupon, d.amount, CouponUsageSource.CONSUMPTION, day=day)
        for d in paid
    ]
