"""Bill cycles: PROVISIONAL until closed, then FINAL and immutable.

A cycle can be closed once it has ended on the business calendar. Closing rates whatever
usage of it is still pending first; after that, late usage of the cycle is booked as a
correction line in the open cycle (see `app.services.consumption.rating`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.models import BillCycle
from app.models.consumption.enums import BillCycleStatus
from app.services.consumption import percentile as consumption_percentile
from app.services.consumption import rating as consumption_rating
from app.services.consumption.calendar import check_cycle, current_cycle
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode


@dataclass(frozen=True, slots=True)
class CycleState:
    """Whether a cycle's numbers are final, and as of when they hold."""

    cycle: str
    status: BillCycleStatus
    as_of: datetime


async def closed_cycles(ctx: ServiceContext, cycles: Sequence[str]) -> dict[str, datetime]:
    """The closed ones among `cycles`, with when they closed."""
    rows = await ctx.session.execute(
        select(BillCycle.cycle, BillCycle.closed_at).where(BillCycle.cycle.in_(list(cycles)))
    )
    return {cycle: closed_at for cycle, closed_at in rows}


async def cycle_states(ctx: ServiceContext, cycles: Sequence[str]) -> dict[str, CycleState]:
    closed = await closed_cycles(ctx, cycles)
    now = clock.now()
    return {
        cycle: CycleState(cycle, BillCycleStatus.FINAL, closed[cycle])
        if cycle in closed
        else CycleState(cycle, BillCycleStatus.PROVISIONAL, now)
        for cycle in cycles
    }


async def close_bill_cycle(ctx: ServiceContext, cycle: str) -> BillCycle:
    """Close an ended cycle (PLATFORM): rate its pending usage and percentile bills, then
    mark it FINAL."""
    ctx.principal.require_platform()
    check_cycle(cycle)
    if cycle >= current_cycle():
        raise DomainError(
            ErrorCode.CYCLE_NOT_ENDED, f"The cycle {cycle} has not ended yet.", ["cycle"]
        )
    existing = await ctx.session.get(BillCycle, cycle)
    if existing is not None:
        raise DomainError(
            ErrorCode.CYCLE_CLOSED, f"The cycle {cycle} is already closed.", ["cycle"]
        )
    await consumption_rating.rate_pending(ctx)
    await consumption_percentile.rate_bandwidth_percentile(ctx, cycle, only_missing=True)
    closed = BillCycle(cycle=cycle, status=BillCycleStatus.FINAL, closed_at=clock.now())
    ctx.session.add(closed)
    await ctx.session.flush()
    await audit.record(
        ctx, "consumption.close_cycle", "BillCycle", None, partner_id=None, after={"cycle": cycle}
    )
    return closed
