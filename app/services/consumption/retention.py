"""Retention of consumption details: kept `consumption_retention_months` (18), then purged.

Readings chosen here:

- Retention is by bill cycle, so a cycle's details go together and its summaries never show
  half a month: a cycle is due once it is closed (FINAL) and has ended at least N calendar
  months ago (on 3 Dec 2026 with 18 months, 2025-05 is due, 2025-06 is kept). A cycle that
  was never closed is never purged.
- What goes: the cycle's consumption details, the usage records rated into them, and the
  bandwidth samples booked in the cycle (the evidence of its 95th-percentile lines: kept as
  long as the details they explain). What stays: the rollups (every summary of the cycle),
  the daily charges, the 95th-percentile bills and corrections (the FINAL bills), the
  ledger.
- Deletes run in batches of at most `consumption_purge_batch_rows` rows, one table and one
  partner at a time (each a `DELETE ... WHERE id IN (SELECT id ... LIMIT n)` on an index led by
  the partner); each batch is audited as the caller (the system principal for the job and
  the CLI) with the partner, the cycle, what it removed and how many rows. The job does at most
  `consumption_purge_max_batches` batches per run and goes on at its next run; a cycle whose
  rows are all gone is marked (`bill_cycles.details_purged_at`) and not looked at again.
- A dry run counts what would go and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select

from app import clock
from app.models import BandwidthSample, BillCycle, ConsumptionDetail, ConsumptionRollup, UsageRecord
from app.services.consumption.calendar import cycle_end
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.jobs import job
from app.settings import get_settings

# What a purge removes, in the order it removes it (records first: they point at details).
KINDS = ("usage_records", "bandwidth_samples", "details")


@dataclass(slots=True)
class PurgeCounts:
    """Rows purged (or, for a dry run, that would be) per cycle and kind."""

    by_cycle: dict[str, dict[str, int]] = field(default_factory=dict)
    batches: int = 0
    done: bool = True

    def add(self, cycle: str, kind: str, rows: int) -> None:
        per_kind = self.by_cycle.setdefault(cycle, dict.fromkeys(KINDS, 0))
        per_kind[kind] += rows

    def total(self, kind: str) -> int:
        return sum(c[kind] for c in self.by_cycle.values())

    def describe(self) -> str:
        if not self.by_cycle:
            return "nothing to purge"
        return "; ".join(
            f"{cycle}: {c['details']} details, {c['usage_records']} usage records, "
            f"{c['bandwidth_samples']} bandwidth samples"
            for cycle, c in sorted(self.by_cycle.items())
        )


def is_due(cycle: str) -> bool:
    """Whether `cycle` has ended at least the retention period ago."""
    months = get_settings().consumption_retention_months
    return clock.add_months(cycle_end(cycle), months) <= clock.now()


def oldest_kept_cycle(current: str) -> str:
    """The oldest cycle whose details retention still keeps, counting back from `current`:
    `consumption verify` checks every cycle before it through its rollups instead, so the
    purge and the verification draw the line in the same place."""
    cycle = current
    while not is_due(_previous(cycle)):
        cycle = _previous(cycle)
    return cycle


def _previous(cycle: str) -> str:
    year, month = int(cycle[:4]), int(cycle[5:])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


async def due_cycles(ctx: ServiceContext) -> list[str]:
    """Closed cycles past retention whose details are not purged yet, oldest first."""
    cycles = await ctx.session.scalars(
        select(BillCycle.cycle)
        .where(BillCycle.details_purged_at.is_(None))
        .order_by(BillCycle.cycle)
    )
    return [c for c in cycles if is_due(c)]


async def _partners(ctx: ServiceContext, cycle: str) -> list[int]:
    rows = await ctx.session.scalars(
        select(ConsumptionRollup.partner_id)
        .where(ConsumptionRollup.bill_cycle == cycle)
        .distinct()
        .order_by(ConsumptionRollup.partner_id)
    )
    return list(rows)


def _ids(kind: str, partner_id: int, cycle: str) -> Any:
    """The ids of one kind of row of a partner's cycle (what a batch takes from)."""
    if kind == "details":
        return select(ConsumptionDetail.id).where(
            ConsumptionDetail.partner_id == partner_id, ConsumptionDetail.bill_cycle == cycle
        )
    if kind == "bandwidth_samples":
        return select(BandwidthSample.id).where(
            BandwidthSample.partner_id == partner_id, BandwidthSample.bill_cycle == cycle
        )
    return select(UsageRecord.id).where(
        UsageRecord.partner_id == partner_id,
        UsageRecord.detail_id.in_(_ids("details", partner_id, cycle)),
    )


MODELS: dict[str, Any] = {
    "details": ConsumptionDetail,
    "bandwidth_samples": BandwidthSample,
    "usage_records": UsageRecord,
}


async def count_due(ctx: ServiceContext) -> PurgeCounts:
    """The dry run: how many rows of each kind would go, per cycle; changes nothing."""
    ctx.principal.require_platform()
    counts = PurgeCounts()
    for cycle in await due_cycles(ctx):
        for partner_id in await _partners(ctx, cycle):
            for kind in KINDS:
                sub = _ids(kind, partner_id, cycle).subquery()
                rows = int(await ctx.session.scalar(select(func.count()).select_from(sub)) or 0)
                if rows:
                    counts.add(cycle, kind, rows)
    return counts


async def purge(
    ctx: ServiceContext,
    *,
    batch_size: int | None = None,
    max_batches: int | None = None,
    after_batch: Callable[[], Awaitable[None]] | None = None,
) -> PurgeCounts:
    """Purge every due cycle, batch by batch (PLATFORM). `after_batch` runs after each batch
    (the CLI commits there); with `max_batches` the purge stops after that many and answers
    `done=False`, to go on next time."""
    ctx.principal.require_platform()
    settings = get_settings()
    size = batch_size or settings.consumption_purge_batch_rows
    if size < 1:
        raise ValueError("the batch size must be at least 1")
    counts = PurgeCounts()
    session = ctx.session
    for cycle in await due_cycles(ctx):
        for partner_id in await _partners(ctx, cycle):
            for kind in KINDS:
                while True:
                    if max_batches is not None and counts.batches >= max_batches:
                        counts.done = False
                        return counts
                    model = MODELS[kind]
                    ids = list(
                        await session.scalars(
                            _ids(kind, partner_id, cycle).order_by(model.id).limit(size)
                        )
                    )
                    if not ids:
                        break
                    await session.execute(
                        delete(model)
                        .where(model.partner_id == partner_id, model.id.in_(ids))
                        .execution_options(synchronize_session=False)
                    )
                    await audit.record(
                        ctx,
                        "consumption.purge",
                        "BillCycle",
                        None,
                        partner_id=partner_id,
                        after={"cycle": cycle, "kind": kind, "rows": len(ids)},
                    )
                    counts.add(cycle, kind, len(ids))
                    counts.batches += 1
                    if after_batch is not None:
                        await after_batch()
                    if len(ids) < size:
                        break
        closed = await session.get(BillCycle, cycle)
        if closed is not None:
            closed.details_purged_at = clock.now()
            await session.flush()
    return counts


@job("consumption.purge", every=timedelta(days=1))
async def purge_job(ctx: ServiceContext) -> str:
    """Purge consumption details past retention (a bounded number of batches per run)."""
    counts = await purge(ctx, max_batches=get_settings().consumption_purge_max_batches)
    if not counts.by_cycle:
        return "nothing to purge"
    suffix = "" if counts.done else " (more next run)"
    return f"purged {counts.describe()}{suffix}"
