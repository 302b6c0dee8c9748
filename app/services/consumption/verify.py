"""`consumption verify`: the consumption data against itself and against the ledger.

What it checks (each difference is one line of the answer; the CLI exits 1 on any):

1. Details -> rollups: both rollup tables equal the sums of the details, for every cycle still
   inside the retention window (`consumption_retention_months`; older cycles may have had
   their details purged, their rollups are what is kept).
2. Details -> daily charges: each customer-day's charged lines (usage, 95th percentile, late
   usage corrections) add up to what its charge row rated, their coupon shares to what its
   row says coupons paid, the day's bill (rated + coupons) rounded half-up to 0.01 is what
   the ledger charged plus the coupons, and the rounding is recorded -- inside the retention
   window.
3. Coupons -> daily charges: the CONSUMPTION usages of the coupons of each customer-day add up
   to what its charge row says coupons paid (every cycle: usages and charge rows are kept),
   and no usage pays a day that has no charge.
4. Rollups -> daily charges, for cycles older than the window: a customer's on-demand
   rollups of the cycle add up to what its charge rows of the cycle rated, and their coupon
   sums to what the rows say coupons paid.
5. The ledger -> consumption (`verify_postings`): every consumption-kind posting, whatever
   its reference -- every customer charge for consumption, every order payment and every
   refund -- is found in the consumption data, amount for amount.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    ConsumptionCharge,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    CouponUsage,
)
from app.models.consumption.consumption import ROLLUP_SUMS
from app.models.consumption.enums import DetailKind
from app.models.coupons.enums import CouponUsageSource
from app.models.customers.enums import BillingMode
from app.services.consumption.rollups import CUSTOMER_KEY, DAY_KEY
from app.services.consumption.verify_postings import money, retained_from, verify_postings
from app.services.core.cross_partner import cross_partner, register
from app.services.core.money import round_cents

CHARGED_KINDS = (DetailKind.USAGE, DetailKind.CORRECTION, DetailKind.PERCENTILE)


def _sums(model: Any) -> list[Any]:
    return [func.sum(getattr(model, name)).label(name) for name in ROLLUP_SUMS]


def charged_lines() -> Any:
    """The details a daily charge pays for: on-demand lines (an order's lines were paid by
    the order, and a correction naming an order is a prepaid line of a closed cycle)."""
    return ConsumptionDetail.kind.in_(CHARGED_KINDS) & ConsumptionDetail.order_id.is_(None)


async def _compare_rollup(
    session: AsyncSession, rollup: Any, key: tuple[str, ...], label: str, since: str
) -> list[str]:
    key_cols = [getattr(ConsumptionDetail, k) for k in key]
    from_details = {
        tuple(row[: len(key)]): row[len(key) :]
        for row in await session.execute(
            select(*key_cols, func.count(), *_sums(ConsumptionDetail))
            .where(ConsumptionDetail.bill_cycle >= since)
            .group_by(*key_cols)
        )
    }
    stored = {
        tuple(row[: len(key)]): row[len(key) :]
        for row in await session.execute(
            select(
                *[getattr(rollup, k) for k in key],
                rollup.lines,
                *[getattr(rollup, name) for name in ROLLUP_SUMS],
            ).where(rollup.bill_cycle >= since)
        )
    }
    problems = []
    for k in sorted(set(from_details) | set(stored), key=str):
        a = tuple(from_details.get(k, ()))
        b = tuple(stored.get(k, ()))
        zero = (0, *(Decimal(0),) * len(ROLLUP_SUMS))
        if (a or zero) != (b or zero):
            problems.append(f"{label} rollup {k}: details say {a}, rollup says {b}")
    return problems


async def _compare_charges(session: AsyncSession, since: str) -> list[str]:
    rated: dict[tuple[int, Any], tuple[Decimal, Decimal]] = {
        (customer_id, day): (total, coupon)
        for customer_id, day, total, coupon in await session.execute(
            select(
                ConsumptionDetail.customer_id,
                ConsumptionDetail.day,
                func.sum(ConsumptionDetail.amount_due),
                func.sum(ConsumptionDetail.coupon),
            )
            .where(charged_lines(), ConsumptionDetail.bill_cycle >= since)
            .group_by(ConsumptionDetail.customer_id, ConsumptionDetail.day)
        )
    }
    used = await _coupon_usages(session)
    problems = []
    seen = set()
    charges = await session.scalars(select(ConsumptionCharge).order_by(ConsumptionCharge.id))
    for charge in charges:
        key = (charge.customer_id, charge.day)
        bill = round_cents(charge.rated + charge.coupon)
        if bill != charge.charged + charge.coupon:
            problems.append(
                f"charge {key}: {money(charge.rated)} + coupons {money(charge.coupon)} rounds "
                f"to {money(bill)}, charged {money(charge.charged)} + coupons "
                f"{money(charge.coupon)}"
            )
        if charge.charged - charge.rated != charge.rounding:
            problems.append(f"charge {key}: rounding {charge.rounding} is not charged - rated")
        by_usages = used.pop(key, Decimal(0))
        if by_usages != charge.coupon:
            problems.append(
                f"charge {key}: coupons paid {money(charge.coupon)}, the coupons' usages of "
                f"the day say {money(by_usages)}"
            )
        if charge.bill_cycle < since:
            continue  # its details may be purged: checked against the rollups instead
        seen.add(key)
        total, coupon = rated.get(key, (Decimal(0), Decimal(0)))
        if total != charge.rated:
            problems.append(f"charge {key}: details rate {total}, charge says {charge.rated}")
        if coupon != charge.coupon:
            problems.append(
                f"charge {key}: details' coupon shares add up to {money(coupon)}, "
                f"charge says coupons paid {money(charge.coupon)}"
            )
    for key in sorted(set(rated) - seen, key=str):
        total, coupon = rated[key]
        if total != 0 or coupon != 0:
            problems.append(
                f"details of {key} rate {total} (coupons {coupon}) but nothing was charged"
            )
    for key in sorted(used, key=str):
        problems.append(f"coupons paid {money(used[key])} for {key}, a day that has no charge")
    return problems


async def _coupon_usages(session: AsyncSession) -> dict[tuple[int, Any], Decimal]:
    """What coupons paid of each customer-day's on-demand charge, by their usages."""
    return {
        (customer_id, day): total
        for customer_id, day, total in await session.execute(
            select(CouponUsage.customer_id, CouponUsage.day, func.sum(CouponUsage.amount))
            .where(CouponUsage.source == CouponUsageSource.CONSUMPTION)
            .group_by(CouponUsage.customer_id, CouponUsage.day)
        )
    }


async def _compare_old_cycles(session: AsyncSession, since: str) -> list[str]:
    """Beyond the retention window: on-demand rollups against the charge rows (what they
    rated, and what coupons paid)."""
    rolled = {
        (customer_id, cycle): (total, coupon)
        for customer_id, cycle, total, coupon in await session.execute(
            select(
                ConsumptionRollup.customer_id,
                ConsumptionRollup.bill_cycle,
                func.sum(ConsumptionRollup.amount_due),
                func.sum(ConsumptionRollup.coupon),
            )
            .where(
                ConsumptionRollup.bill_cycle < since,
                ConsumptionRollup.billing_mode == BillingMode.ON_DEMAND,
            )
            .group_by(ConsumptionRollup.customer_id, ConsumptionRollup.bill_cycle)
        )
    }
    charged = {
        (customer_id, cycle): (total, coupon)
        for customer_id, cycle, total, coupon in await session.execute(
            select(
                ConsumptionCharge.customer_id,
                ConsumptionCharge.bill_cycle,
                func.sum(ConsumptionCharge.rated),
                func.sum(ConsumptionCharge.coupon),
            )
            .where(ConsumptionCharge.bill_cycle < since)
            .group_by(ConsumptionCharge.customer_id, ConsumptionCharge.bill_cycle)
        )
    }
    problems = []
    nothing = (Decimal(0), Decimal(0))
    for key in sorted(set(rolled) | set(charged), key=str):
        (a, a_coupon), (b, b_coupon) = rolled.get(key, nothing), charged.get(key, nothing)
        customer_id, cycle = key
        if a != b:
            problems.append(
                f"customer {customer_id}, cycle {cycle} (beyond retention): on-demand rollups "
                f"rate {a}, its daily charges rated {b}"
            )
        if a_coupon != b_coupon:
            problems.append(
                f"customer {customer_id}, cycle {cycle} (beyond retention): on-demand rollups "
                f"say coupons paid {money(a_coupon)}, its daily charges say {money(b_coupon)}"
            )
    return problems


@cross_partner(
    register(
        "consumption.verify",
        "checks every partner's consumption against the ledger (`consumption verify`)",
    )
)
async def verify(session: AsyncSession) -> list[str]:
    """Every disagreement between details, rollups, daily charges and the ledger."""
    since = retained_from()
    problems = await _compare_rollup(session, ConsumptionRollup, CUSTOMER_KEY, "customer", since)
    problems += await _compare_rollup(session, ConsumptionDayRollup, DAY_KEY, "day", since)
    problems += await _compare_charges(session, since)
    problems += await _compare_old_cycles(session, since)
    problems += await verify_postings(session, since)
    return problems
