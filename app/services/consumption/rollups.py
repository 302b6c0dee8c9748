"""Rollups kept in step with consumption details, in the details' transaction.

Every change to a detail is expressed as a `DetailDelta` (what it adds to each sum, and
whether it is a new line); `apply` folds a batch of deltas into both rollup tables with one
`INSERT ... ON CONFLICT DO UPDATE SET x = x + excluded.x` per table (executemany).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ConsumptionDayRollup, ConsumptionRollup
from app.models.consumption.consumption import ROLLUP_SUMS, ZERO8
from app.models.core.ids import fill_new_ids
from app.models.customers.enums import BillingMode, ServiceType

CUSTOMER_KEY = (
    "partner_id",
    "bill_cycle",
    "customer_id",
    "service_type",
    "region",
    "billing_mode",
    "unit",
)
DAY_KEY = ("partner_id", "bill_cycle", "day", "service_type", "region", "unit")


@dataclass(slots=True)
class DetailDelta:
    """What one detail change adds to the rollups."""

    partner_id: int
    bill_cycle: str
    day: date
    customer_id: int
    service_type: ServiceType
    region: str
    billing_mode: BillingMode
    unit: str
    new_line: bool
    usage: Decimal = ZERO8
    list_amount: Decimal = ZERO8
    discount: Decimal = ZERO8
    coupon: Decimal = ZERO8
    cash_paid: Decimal = ZERO8
    credit_paid: Decimal = ZERO8
    amount_due: Decimal = ZERO8


def delta_of(detail: Any, new_line: bool, **sums: Decimal) -> DetailDelta:
    """A delta for `detail` (a ConsumptionDetail) adding `sums`."""
    return DetailDelta(
        partner_id=detail.partner_id,
        bill_cycle=detail.bill_cycle,
        day=detail.day,
        customer_id=detail.customer_id,
        service_type=detail.service_type,
        region=detail.region,
        billing_mode=detail.billing_mode,
        unit=detail.unit,
        new_line=new_line,
        **sums,
    )


def _fold(deltas: Iterable[DetailDelta], key: tuple[str, ...]) -> list[dict[str, Any]]:
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for delta in deltas:
        k = tuple(getattr(delta, name) for name in key)
        row = rows.get(k)
        if row is None:
            row = rows[k] = {name: getattr(delta, name) for name in key}
            row["lines"] = 0
            row.update(dict.fromkeys(ROLLUP_SUMS, Decimal(0)))
        row["lines"] += 1 if delta.new_line else 0
        for name in ROLLUP_SUMS:
            row[name] += getattr(delta, name)
    return list(rows.values())


async def _upsert(
    session: AsyncSession, model: type[Any], key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__
    await fill_new_ids(session, table, rows)  # SQLite: an id for each row that may be new
    stmt = insert(table)
    summed = ("lines", *ROLLUP_SUMS)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + stmt.excluded[name] for name in summed},
    )
    await session.execute(stmt, rows)


async def apply(session: AsyncSession, deltas: list[DetailDelta]) -> None:
    """Add `deltas` to the customer rollup and the day rollup."""
    await _upsert(session, ConsumptionRollup, CUSTOMER_KEY, _fold(deltas, CUSTOMER_KEY))
    await _upsert(session, ConsumptionDayRollup, DAY_KEY, _fold(deltas, DAY_KEY))
