"""Reading consumption: detail pages (keyset), per-resource pages, summaries from the
rollups only, and a customer's cycle totals (batched for the customer list).

Reading follows DOMAIN.md's role table through `visible`: every partner role (a SALES user
restricted to its managed customers), the platform, and a customer principal for its own
consumption. DAY summaries come from a rollup without a customer dimension, so a restricted
reader (restricted SALES, a customer) is answered with an error naming the alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select

from app.models import ConsumptionDayRollup, ConsumptionDetail, ConsumptionRollup
from app.models.consumption.consumption import ROLLUP_SUMS
from app.models.consumption.enums import BillCycleStatus, DetailKind
from app.models.customers.enums import BillingMode, ServiceType
from app.models.partners.enums import PrincipalKind
from app.services.consumption.calendar import current_cycle, parse_cycle
from app.services.consumption.cycles import CycleState, cycle_states
from app.services.core.context import ServiceContext
from app.services.core.errors import BadRequest
from app.services.core.pagination import (
    Direction,
    Ordering,
    Page,
    PageRequest,
    fetch_page,
    fetch_pages_by_parent,
)
from app.services.core.scoping import visible

MAX_CYCLES = 24


class DetailOrderField(StrEnum):
    ID = "ID"
    DAY = "DAY"


class GroupBy(StrEnum):
    CYCLE = "CYCLE"
    CUSTOMER = "CUSTOMER"
    SERVICE_TYPE = "SERVICE_TYPE"
    REGION = "REGION"
    BILLING_MODE = "BILLING_MODE"
    DAY = "DAY"


SUPPORTED = (
    "any subset of CYCLE, CUSTOMER, SERVICE_TYPE, REGION, BILLING_MODE; "
    "or DAY with CYCLE and at most one of SERVICE_TYPE or REGION "
    "(DAY rows take no customerIds or billingModes filter)"
)


@dataclass(frozen=True, slots=True)
class ConsumptionFilter:
    """Conditions on details/summaries; `None` means any. Cycles are inclusive."""

    cycle_from: str | None = None
    cycle_to: str | None = None
    customer_ids: tuple[int, ...] | None = None
    service_types: tuple[ServiceType, ...] | None = None
    regions: tuple[str, ...] | None = None
    billing_modes: tuple[BillingMode, ...] | None = None
    resource_ids: tuple[int, ...] | None = None
    kinds: tuple[DetailKind, ...] | None = None


def cycles_between(cycle_from: str | None, cycle_to: str | None) -> list[str]:
    """The cycles of a range (default: the current cycle), at most MAX_CYCLES."""
    first = cycle_from or cycle_to or current_cycle()
    last = cycle_to or cycle_from or current_cycle()
    try:
        y1, m1 = parse_cycle(first)
        y2, m2 = parse_cycle(last)
    except ValueError as error:
        raise BadRequest(str(error)) from error
    start, end = y1 * 12 + m1 - 1, y2 * 12 + m2 - 1
    if end < start:
        raise BadRequest("cycleTo is before cycleFrom.")
    if end - start >= MAX_CYCLES:
        raise BadRequest(f"At most {MAX_CYCLES} cycles per request.")
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


DETAIL_COLUMNS = tuple(c for c in ConsumptionDetail.__table__.c)


def _where(stmt: Select[Any], model: Any, f: ConsumptionFilter, cycles: list[str]) -> Any:
    stmt = stmt.where(model.bill_cycle.in_(cycles))
    if f.customer_ids is not None and hasattr(model, "customer_id"):
        stmt = stmt.where(model.customer_id.in_(f.customer_ids))
    if f.service_types:
        stmt = stmt.where(model.service_type.in_(f.service_types))
    if f.regions:
        stmt = stmt.where(model.region.in_(f.regions))
    if f.billing_modes and hasattr(model, "billing_mode"):
        stmt = stmt.where(model.billing_mode.in_(f.billing_modes))
    if f.resource_ids is not None and hasattr(model, "resource_id"):
        stmt = stmt.where(model.resource_id.in_(f.resource_ids))
    if f.kinds and hasattr(model, "kind"):
        stmt = stmt.where(model.kind.in_(f.kinds))
    return stmt


def details_statement(ctx: ServiceContext, f: ConsumptionFilter) -> Select[Any]:
    """The scoped, filtered details (what pages and exports read)."""
    cycles = cycles_between(f.cycle_from, f.cycle_to)
    stmt = select(*DETAIL_COLUMNS).where(visible(ctx.principal, ConsumptionDetail))
    return _where(stmt, ConsumptionDetail, f, cycles)


def detail_ordering(field_: DetailOrderField, direction: Direction) -> Ordering:
    column = ConsumptionDetail.id if field_ is DetailOrderField.ID else ConsumptionDetail.day
    return Ordering(field_.value, column, ConsumptionDetail.id, direction)


def _sort_key(field_: DetailOrderField) -> Any:
    return (lambda row: row.id) if field_ is DetailOrderField.ID else (lambda row: row.day)


async def list_details(
    ctx: ServiceContext,
    f: ConsumptionFilter,
    order_field: DetailOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    return await fetch_page(
        ctx.session,
        details_statement(ctx, f),
        detail_ordering(order_field, direction),
        page,
        _sort_key(order_field),
    )


async def detail_pages_by_resource(
    ctx: ServiceContext,
    resource_ids: Sequence[int],
    f: ConsumptionFilter,
    order_field: DetailOrderField,
    direction: Direction,
    page: PageRequest,
) -> dict[int, Page]:
    stmt = details_statement(ctx, f)

    async def count(resource_id: int) -> int:
        sub = stmt.where(ConsumptionDetail.resource_id == resource_id).subquery()
        return int(await ctx.session.scalar(select(func.count()).select_from(sub)) or 0)

    return await fetch_pages_by_parent(
        ctx.session,
        stmt,
        ConsumptionDetail.resource_id,
        resource_ids,
        detail_ordering(order_field, direction),
        page,
        _sort_key(order_field),
        count,
    )


async def get_details(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*DETAIL_COLUMNS).where(
            visible(ctx.principal, ConsumptionDetail), ConsumptionDetail.id.in_(ids)
        )
    )
    return {row.id: row for row in rows}


@dataclass(slots=True)
class SummaryRow:
    cycle: str | None = None
    customer_id: int | None = None
    service_type: ServiceType | None = None
    region: str | None = None
    billing_mode: BillingMode | None = None
    day: date | None = None
    lines: int = 0
    usage: Decimal | None = None
    unit: str | None = None
    sums: dict[str, Decimal] = field(default_factory=dict)


@dataclass(slots=True)
class Summary:
    cycles: list[CycleState]
    rows: list[SummaryRow]

    @property
    def final(self) -> bool:
        """FINAL only when every cycle of the range is closed."""
        return all(c.status is BillCycleStatus.FINAL for c in self.cycles)

    @property
    def as_of(self) -> datetime:
        """When the numbers hold: the latest of the cycles' moments."""
        return max(c.as_of for c in self.cycles)


_DIMENSION = {
    GroupBy.CYCLE: ("bill_cycle", "cycle"),
    GroupBy.CUSTOMER: ("customer_id", "customer_id"),
    GroupBy.SERVICE_TYPE: ("service_type", "service_type"),
    GroupBy.REGION: ("region", "region"),
    GroupBy.BILLING_MODE: ("billing_mode", "billing_mode"),
    GroupBy.DAY: ("day", "day"),
}


def choose_rollup(group_by: Sequence[GroupBy], f: ConsumptionFilter) -> Any:
    """The rollup table that answers `group_by`; BadRequest naming the supported ones."""
    dims = set(group_by)
    if f.resource_ids is not None or f.kinds:
        raise BadRequest("Summaries take no resourceIds or kinds filter; query details.")
    if GroupBy.DAY not in dims:
        return ConsumptionRollup
    others = dims - {GroupBy.DAY, GroupBy.CYCLE}
    if (
        others - {GroupBy.SERVICE_TYPE, GroupBy.REGION}
        or len(others) > 1
        or f.customer_ids is not None
        or f.billing_modes
    ):
        raise BadRequest(f"Unsupported groupBy/filter combination; supported: {SUPPORTED}.")
    return ConsumptionDayRollup


async def summary(
    ctx: ServiceContext, f: ConsumptionFilter, group_by: Sequence[GroupBy]
) -> Summary:
    """Totals grouped by `group_by`, read from the rollups only."""
    cycles = cycles_between(f.cycle_from, f.cycle_to)
    group_by = list(dict.fromkeys(group_by))
    model = choose_rollup(group_by, f)
    restricted = ctx.principal.sees_only_managed_customers or (
        ctx.principal.kind is PrincipalKind.CUSTOMER
    )
    if model is ConsumptionDayRollup and restricted:
        raise BadRequest("DAY summaries cover every customer; ask without DAY.")
    columns = [getattr(model, _DIMENSION[g][0]) for g in group_by]
    stmt = select(
        *columns,
        func.sum(model.lines).label("lines"),
        *[func.sum(getattr(model, name)).label(name) for name in ROLLUP_SUMS],
        func.min(model.unit).label("min_unit"),
        func.max(model.unit).label("max_unit"),
    ).where(visible(ctx.principal, model))
    stmt = _where(stmt, model, f, cycles)
    if columns:
        stmt = stmt.group_by(*columns).order_by(*columns)
    rows = []
    for row in await ctx.session.execute(stmt):
        if row.lines is None:
            continue
        out = SummaryRow(lines=int(row.lines))
        for g, value in zip(group_by, row[: len(group_by)], strict=True):
            setattr(out, _DIMENSION[g][1], value)
        same_unit = row.min_unit == row.max_unit
        out.unit = row.min_unit if same_unit else None
        out.usage = row.usage if same_unit else None
        out.sums = {name: getattr(row, name) for name in ROLLUP_SUMS if name != "usage"}
        rows.append(out)
    states = await cycle_states(ctx, cycles)
    return Summary([states[c] for c in cycles], rows)


async def customer_cycle_totals(
    ctx: ServiceContext, cycle: str, customer_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Each customer's totals of one cycle (one grouped query over the customer rollup)."""
    rows = await ctx.session.execute(
        select(
            ConsumptionRollup.customer_id,
            func.sum(ConsumptionRollup.lines).label("lines"),
            *[func.sum(getattr(ConsumptionRollup, name)).label(name) for name in ROLLUP_SUMS],
        )
        .where(
            visible(ctx.principal, ConsumptionRollup),
            ConsumptionRollup.bill_cycle == cycle,
            ConsumptionRollup.customer_id.in_(customer_ids),
        )
        .group_by(ConsumptionRollup.customer_id)
    )
    return {row.customer_id: dict(row._mapping) for row in rows}
