"""What is left of each partner recharge (the allocatable balance, split by origin).

Spending (allocations, order payments, withdrawals by bank card) draws on the oldest recharge
first (FIFO, DOMAIN.md > Funds). Money that comes back (retrievals, refunds, rejected
withdrawals of no particular recharge) refills the most recently drawn recharges first, i.e.
it undoes the latest spending. That reading keeps returned money inside its original-route
window rather than letting a round trip through a customer account launder it onto a bank
card. Invariant: the `remaining` of a partner's confirmed recharges sums to its allocatable
balance (`funds verify` checks it). Callers hold the partner account's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.clock import add_months
from app.models import Recharge
from app.models.funds.accounts import ZERO
from app.models.funds.enums import RechargeChannel, RechargeStatus
from app.models.partners.enums import ContractingEntity
from app.services.funds.ledger import LedgerInvariantError
from app.settings import get_settings

BATCH = 200


def _partner_recharges(partner_id: int) -> Select[tuple[Recharge]]:
    return select(Recharge).where(
        Recharge.partner_id == partner_id,
        Recharge.customer_id.is_(None),
        Recharge.status == RechargeStatus.CONFIRMED,
    )


async def draw(
    session: AsyncSession, partner_id: int, amount: Decimal
) -> list[tuple[Recharge, Decimal]]:
    """Take `amount` from the oldest recharges; returns what was taken from which."""
    taken: list[tuple[Recharge, Decimal]] = []
    left = amount
    while left > 0:
        batch = (
            await session.scalars(
                _partner_recharges(partner_id)
                .where(Recharge.remaining > 0)
                .order_by(Recharge.paid_at, Recharge.id)
                .limit(BATCH)
            )
        ).all()
        if not batch:
            raise LedgerInvariantError(f"recharges of partner {partner_id} cannot cover {amount}")
        for recharge in batch:
            part = min(left, recharge.remaining)
            recharge.remaining -= part
            taken.append((recharge, part))
            left -= part
            if left == 0:
                break
        await session.flush()
    return taken


async def refill(session: AsyncSession, partner_id: int, amount: Decimal) -> None:
    """Give `amount` back to the most recently drawn recharges."""
    left = amount
    while left > 0:
        batch = (
            await session.scalars(
                _partner_recharges(partner_id)
                .where(Recharge.remaining + Recharge.withdrawn < Recharge.amount)
                .order_by(Recharge.paid_at.desc(), Recharge.id.desc())
                .limit(BATCH)
            )
        ).all()
        if not batch:
            raise LedgerInvariantError(f"recharges of partner {partner_id} cannot take {amount}")
        for recharge in batch:
            part = min(left, recharge.amount - recharge.withdrawn - recharge.remaining)
            recharge.remaining += part
            left -= part
            if left == 0:
                break
        await session.flush()


def original_route_until(
    entity: ContractingEntity, channel: RechargeChannel, paid_at: datetime
) -> datetime | bool | None:
    """Until when a recharge must leave by its original route.

    Returns the end of its window (exclusive), `True` when it must always go back that way,
    or `None` when it may leave by bank card at any age.
    """
    windows = get_settings().original_route_windows.get(entity.value, {})
    if channel.value not in windows:
        return None
    months = windows[channel.value]
    if months is None:
        return True
    return add_months(paid_at, months)


def in_window(entity: ContractingEntity, recharge: Recharge, now: datetime) -> bool:
    """Whether money left of a partner's `recharge` may only leave by its original route now."""
    assert recharge.paid_at is not None and recharge.customer_id is None
    return route_window(entity, recharge, now).must_use_original_route


@dataclass(frozen=True, slots=True)
class RouteWindow:
    """A recharge's original-route window as of one moment."""

    until: datetime | None
    """The end of the window (exclusive); None when there is none or it never ends."""
    must_use_original_route: bool
    """Whether what is left of it may only leave by its original route now."""


NO_WINDOW = RouteWindow(until=None, must_use_original_route=False)


def has_route_window(recharge: Any) -> bool:
    """Only a partner's own recharge that has arrived can have a window (a customer's own
    recharge is the customer's money; an unpaid order holds none)."""
    return recharge.paid_at is not None and recharge.customer_id is None


def route_window(
    entity: ContractingEntity | None, recharge: Any, now: datetime | None = None
) -> RouteWindow:
    """The original-route window of `recharge` (a row or a model) for a partner contracting
    with `entity` (None: unknown, read as OTHER), as of `now` (default: the clock)."""
    if not has_route_window(recharge):
        return NO_WINDOW
    until = original_route_until(
        entity or ContractingEntity.OTHER, RechargeChannel(recharge.channel), recharge.paid_at
    )
    if until is True:
        return RouteWindow(until=None, must_use_original_route=True)
    if not isinstance(until, datetime):
        return NO_WINDOW
    return RouteWindow(until=until, must_use_original_route=(now or clock.now()) < until)


@dataclass(frozen=True, slots=True)
class RouteSplit:
    """The allocatable balance split by how it may leave."""

    original_route_only: Decimal
    bank_card: Decimal


async def split_by_route(
    session: AsyncSession, partner_id: int, entity: ContractingEntity, now: datetime
) -> RouteSplit:
    recharges = (
        await session.scalars(_partner_recharges(partner_id).where(Recharge.remaining > 0))
    ).all()
    locked = sum((r.remaining for r in recharges if in_window(entity, r, now)), ZERO)
    free = sum((r.remaining for r in recharges if not in_window(entity, r, now)), ZERO)
    return RouteSplit(locked, free)


async def draw_outside_windows(
    session: AsyncSession,
    partner_id: int,
    entity: ContractingEntity,
    now: datetime,
    amount: Decimal,
) -> list[tuple[Recharge, Decimal]]:
    """Withdraw `amount` from recharges past their windows, oldest first (bank card)."""
    recharges = (
        await session.scalars(
            _partner_recharges(partner_id)
            .where(Recharge.remaining > 0)
            .order_by(Recharge.paid_at, Recharge.id)
        )
    ).all()
    taken: list[tuple[Recharge, Decimal]] = []
    left = amount
    for recharge in recharges:
        if left == 0:
            break
        if in_window(entity, recharge, now):
            continue
        part = min(left, recharge.remaining)
        recharge.remaining -= part
        recharge.withdrawn += part
        taken.append((recharge, part))
        left -= part
    if left > 0:
        raise LedgerInvariantError("bank-card withdrawal exceeds money outside the windows")
    await session.flush()
    return taken


def withdraw_from(recharge: Recharge, amount: Decimal) -> None:
    """Take `amount` of one recharge for an original-route withdrawal."""
    if amount > recharge.remaining:
        raise LedgerInvariantError("original-route withdrawal exceeds the recharge's remainder")
    recharge.remaining -= amount
    recharge.withdrawn += amount


def give_back(recharge: Recharge, amount: Decimal) -> None:
    """Undo a withdrawal's take from one recharge (the withdrawal was rejected)."""
    recharge.withdrawn -= amount
    recharge.remaining += amount
