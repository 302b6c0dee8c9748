"""`consumption verify`: recompute the rollups and daily charges from the details, and the
charges from the ledger; report every difference."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    ConsumptionCharge,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    LedgerEntry,
    LedgerTransaction,
)
from app.models.consumption.consumption import ROLLUP_SUMS
from app.models.consumption.enums import DetailKind
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.consumption.rollups import CUSTOMER_KEY, DAY_KEY
from app.services.core.money import round_cents

CHARGED_KINDS = (DetailKind.USAGE, DetailKind.CORRECTION, DetailKind.PERCENTILE)


def _sums(model: Any) -> list[Any]:
    return [func.sum(getattr(model, name)).label(name) for name in ROLLUP_SUMS]


async def _compare_rollup(
    session: AsyncSession, rollup: Any, key: tuple[str, ...], label: str
) -> list[str]:
    key_cols = [getattr(ConsumptionDetail, k) for k in key]
    from_details = {
        tuple(row[: len(key)]): row[len(key) :]
        for row in await session.execute(
            select(*key_cols, func.count(), *_sums(ConsumptionDetail)).group_by(*key_cols)
        )
    }
    stored = {
        tuple(row[: len(key)]): row[len(key) :]
        for row in await session.execute(
            select(
                *[getattr(rollup, k) for k in key],
                rollup.lines,
                *[getattr(rollup, name) for name in ROLLUP_SUMS],
            )
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


async def verify(session: AsyncSession) -> list[str]:
    """Every disagreement between details, rollups, daily charges and the ledger."""
    problems = await _compare_rollup(session, ConsumptionRollup, CUSTOMER_KEY, "customer")
    problems += await _compare_rollup(session, ConsumptionDayRollup, DAY_KEY, "day")

    rated = {
        (customer_id, day): total
        for customer_id, day, total in await session.execute(
            select(
                ConsumptionDetail.customer_id,
                ConsumptionDetail.day,
                func.sum(ConsumptionDetail.amount_due),
            )
            .where(ConsumptionDetail.kind.in_(CHARGED_KINDS))
            .group_by(ConsumptionDetail.customer_id, ConsumptionDetail.day)
        )
    }
    charged_by_customer: dict[int, Decimal] = defaultdict(Decimal)
    charges = (await session.execute(select(ConsumptionCharge))).scalars().all()
    seen = set()
    for charge in charges:
        key = (charge.customer_id, charge.day)
        seen.add(key)
        if rated.get(key, Decimal(0)) != charge.rated:
            problems.append(
                f"charge {key}: details rate {rated.get(key)}, charge says {charge.rated}"
            )
        if round_cents(charge.rated) != charge.charged:
            problems.append(
                f"charge {key}: {charge.rated} rounds to {round_cents(charge.rated)}, "
                f"charged {charge.charged}"
            )
        if charge.charged - charge.rated != charge.rounding:
            problems.append(f"charge {key}: rounding {charge.rounding} is not charged - rated")
        charged_by_customer[charge.customer_id] += charge.charged
    for key in set(rated) - seen:
        if rated[key] != 0:
            problems.append(f"details of {key} rate {rated[key]} but nothing was charged")

    ledger = {
        customer_id: -total
        for customer_id, total in await session.execute(
            select(LedgerEntry.customer_id, func.sum(LedgerEntry.amount))
            .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
            .where(
                LedgerEntry.kind == LedgerKind.CUSTOMER_CHARGE,
                LedgerEntry.account == LedgerAccount.CUSTOMER_BALANCE,
                LedgerTransaction.reference.like("Consumption:%"),
            )
            .group_by(LedgerEntry.customer_id)
        )
    }
    for customer_id in sorted(set(ledger) | set(charged_by_customer)):
        a = charged_by_customer.get(customer_id, Decimal(0))
        b = ledger.get(customer_id, Decimal(0))
        if a != b:
            problems.append(f"customer {customer_id}: charges say {a}, the ledger says {b}")
    return problems
