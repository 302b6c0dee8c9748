"""What a partner may invoice, per bill cycle: the ledger read once, each movement once.

The base (DOMAIN.md > Invoices, in this project's reading, `docs/invoices.md`):

- **Orders the partner paid** for a RESELLER customer (代付 and proxy orders): the
  `PARTNER_ORDER_PAYMENT` transaction, in the cycle it was paid; its refunds
  (`PARTNER_REFUND`, same `Order:<id>` reference) are deducted in the cycle they happened.
  The consumption lines a paid order produces move no money and are never counted again.
- **RESELLER customers' charges funded by allocations**: for each entry on a RESELLER
  customer's balance, the part of it that is the partner's money consumed,
  `funding - (max(0, after) - max(0, before))`, where `funding` is the entry's amount for an
  allocation or retrieval (the partner's money coming in or going out) and 0 otherwise. A
  charge paid from cash counts when charged; a charge on credit counts when an allocation
  repays it (in the allocation's cycle); a refund that lands as cash is deducted. Summed over
  a customer this is `allocated - retrieved - max(0, balance)`: the partner's money the
  customer used, never more. A charge's cycle is the day it pays for; any other movement's
  cycle is the business date of its transaction.
- **REFERRAL-period movements never count**: the association type at the moment of the
  movement decides (the confirmed type switches give its history), so consumption before a
  REFERRAL → RESELLER switch stays out after it; a partner order's refund follows its
  order's payment. They are reported (`referral`) so a partner sees why they are missing.

Deducted: every line of an invoice that is REQUESTED, ISSUED or RETURN_REQUESTED; a RETURNED,
REJECTED or CANCELLED invoice covers nothing. A cycle's invoiceable amount may be negative (a
refund after its cycle was invoiced); the partner's requestable total is the sum over all
cycles, never below zero.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, case, func, literal, select, type_coerce

from app.models import (
    AssociationChangeRequest,
    Customer,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    LedgerTransaction,
    Order,
)
from app.models.core.types import Money
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.models.invoices.enums import ISSUED_STATUSES, InvoiceStatus
from app.models.lifecycle.enums import AssociationChangeKind, AssociationChangeStatus
from app.services.core.context import ServiceContext

ZERO = Decimal("0.00")
FUNDING_KINDS = (
    LedgerKind.ALLOCATE,
    LedgerKind.RETRIEVE,
    LedgerKind.UNBIND_RETRIEVE,
    LedgerKind.OWN_CASH_FROZEN,
)
CONSUMPTION_KINDS = (LedgerKind.CUSTOMER_CHARGE, LedgerKind.CUSTOMER_ORDER_PAYMENT)


@dataclass(slots=True)
class CycleParts:
    """One bill cycle's invoiceable amount and what it is made of."""

    cycle: str
    paid: Decimal = ZERO
    refunded: Decimal = ZERO
    referral: Decimal = ZERO
    requested: Decimal = ZERO
    invoiced: Decimal = ZERO
    returned: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.paid - self.refunded

    @property
    def invoiceable(self) -> Decimal:
        return self.net - self.requested - self.invoiced


@dataclass(slots=True)
class Invoiceable:
    """Every cycle of a partner with a movement or an invoice line, oldest first."""

    cycles: list[CycleParts] = field(default_factory=list)

    def part(self, cycle: str) -> CycleParts:
        for parts in self.cycles:
            if parts.cycle == cycle:
                return parts
        return CycleParts(cycle)

    @property
    def total(self) -> Decimal:
        """What the partner may still request: the sum over all cycles, at least zero."""
        return max(sum((c.invoiceable for c in self.cycles), ZERO), ZERO)

    @property
    def referral(self) -> Decimal:
        return sum((c.referral for c in self.cycles), ZERO)

    @property
    def issued_over_net(self) -> Decimal:
        """Refunded money still covered by issued, unreturned invoices: what invoices cover
        beyond the net paid (requests included: they claim the money first), as far as
        issued ones cover it (a request alone holds nothing: it can still be cancelled or
        rejected, and only an issued invoice can be returned)."""
        net = sum((c.net for c in self.cycles), ZERO)
        issued = sum((c.invoiced for c in self.cycles), ZERO)
        requested = sum((c.requested for c in self.cycles), ZERO)
        return max(min(issued, issued + requested - net), ZERO)


def _cycle_of_number(number: Any) -> Any:
    """`TX20261203-…` -> `2026-12` (the transaction's business date)."""
    return (
        func.substr(number, 3, 4, type_=String)
        + literal("-", String)
        + func.substr(number, 7, 2, type_=String)
    )


def _entry_cycle() -> Any:
    """A consumption charge's cycle is the day it pays for (`Consumption:<id>:<day>`)."""
    ref = LedgerTransaction.reference
    return case(
        (
            and_(LedgerEntry.kind == LedgerKind.CUSTOMER_CHARGE, ref.like("Consumption:%")),
            func.substr(ref, func.length(ref) - 9, 7, type_=String),
        ),
        else_=_cycle_of_number(LedgerTransaction.number),
    )


def _positive(value: Any) -> Any:
    """`max(0, value)` of a money expression, read back as money (SQLite stores cents, and a
    difference of two money columns loses the column type)."""
    return type_coerce(case((value > 0, value), else_=literal(0)), Money(2))


class TypeHistory:
    """A customer's association type at any moment, from its confirmed type switches."""

    def __init__(self, current: AssociationType, switches: list[tuple[datetime, Any]]) -> None:
        self.current = current
        self.times = [at for at, _ in switches]
        self.before = [from_type for _, from_type in switches]

    def at(self, moment: datetime) -> AssociationType:
        index = bisect.bisect_right(self.times, moment)
        return self.before[index] if index < len(self.times) else self.current


async def _histories(ctx: ServiceContext, partner_id: int) -> dict[int, TypeHistory]:
    """The customers of `partner_id` whose type ever switched."""
    rows = await ctx.session.execute(
        select(
            AssociationChangeRequest.customer_id,
            AssociationChangeRequest.answered_at,
            AssociationChangeRequest.from_type,
            Customer.association_type,
        )
        .join(
            Customer,
            and_(
                Customer.partner_id == AssociationChangeRequest.partner_id,
                Customer.id == AssociationChangeRequest.customer_id,
            ),
        )
        .where(
            AssociationChangeRequest.partner_id == partner_id,
            AssociationChangeRequest.kind == AssociationChangeKind.TYPE_SWITCH,
            AssociationChangeRequest.status == AssociationChangeStatus.CONFIRMED,
        )
        .order_by(AssociationChangeRequest.answered_at, AssociationChangeRequest.id)
    )
    switches: dict[int, list[tuple[datetime, Any]]] = defaultdict(list)
    current: dict[int, AssociationType] = {}
    for customer_id, answered_at, from_type, now_type in rows:
        switches[customer_id].append((answered_at, from_type))
        current[customer_id] = now_type
    return {cid: TypeHistory(current[cid], items) for cid, items in switches.items()}


class _Totals:
    def __init__(self) -> None:
        self.cycles: dict[str, CycleParts] = {}

    def __getitem__(self, cycle: str) -> CycleParts:
        if cycle not in self.cycles:
            self.cycles[cycle] = CycleParts(cycle)
        return self.cycles[cycle]


def _add_balance_movement(
    totals: _Totals, cycle: str, kind: LedgerKind, reseller: bool, amount: Decimal, used: Decimal
) -> None:
    """`amount`: the entries' sum; `used`: the partner's money they consumed."""
    parts = totals[cycle]
    if not reseller:
        if kind in CONSUMPTION_KINDS or kind is LedgerKind.CUSTOMER_REFUND:
            parts.referral -= amount
        return
    if kind is LedgerKind.CUSTOMER_REFUND:
        parts.refunded -= used
    else:
        parts.paid += used


def _used(kind: LedgerKind, amount: Decimal, after_pos: Decimal, before_pos: Decimal) -> Decimal:
    funding = amount if kind in FUNDING_KINDS else ZERO
    return funding - (after_pos - before_pos)


async def _customer_movements(
    ctx: ServiceContext, partner_id: int, totals: _Totals, histories: dict[int, TypeHistory]
) -> None:
    cycle = _entry_cycle().label("cycle")
    after = LedgerEntry.balance_after
    base = (
        select()
        .select_from(LedgerEntry)
        .join(
            LedgerTransaction,
            and_(
                LedgerTransaction.partner_id == LedgerEntry.partner_id,
                LedgerTransaction.id == LedgerEntry.transaction_id,
            ),
        )
        .where(
            LedgerEntry.partner_id == partner_id,
            LedgerEntry.account == LedgerAccount.CUSTOMER_BALANCE,
        )
    )
    sums = (
        func.sum(LedgerEntry.amount),
        func.sum(_positive(after)),
        func.sum(_positive(after - LedgerEntry.amount)),
    )
    # Customers that never switched: their type now is their type at every movement.
    grouped = (
        base.add_columns(cycle, LedgerEntry.kind, Customer.association_type, *sums)
        .join(
            Customer,
            and_(
                Customer.partner_id == LedgerEntry.partner_id,
                Customer.id == LedgerEntry.customer_id,
            ),
        )
        .group_by(cycle, LedgerEntry.kind, Customer.association_type)
    )
    if histories:
        grouped = grouped.where(LedgerEntry.customer_id.not_in(list(histories)))
    for row in await ctx.session.execute(grouped):
        reseller = row[2] is AssociationType.RESELLER
        used = _used(row[1], _money(row[3]), _money(row[4]), _money(row[5]))
        _add_balance_movement(totals, row[0], row[1], reseller, _money(row[3]), used)
    if not histories:
        return
    single = base.add_columns(
        cycle,
        LedgerEntry.kind,
        LedgerEntry.customer_id,
        LedgerEntry.created_at,
        LedgerEntry.amount,
        after,
    ).where(LedgerEntry.customer_id.in_(list(histories)))
    for row in await ctx.session.execute(single):
        amount, balance_after = _money(row[4]), _money(row[5])
        reseller = histories[row[2]].at(row[3]) is AssociationType.RESELLER
        used = _used(row[1], amount, max(balance_after, ZERO), max(balance_after - amount, ZERO))
        _add_balance_movement(totals, row[0], row[1], reseller, amount, used)


async def _partner_orders(
    ctx: ServiceContext, partner_id: int, totals: _Totals, histories: dict[int, TypeHistory]
) -> None:
    """Partner-paid orders and their refunds, by the type at the order's payment."""
    rows = (
        await ctx.session.execute(
            select(
                _cycle_of_number(LedgerTransaction.number),
                LedgerEntry.kind,
                LedgerTransaction.reference,
                LedgerEntry.amount,
            )
            .join(
                LedgerTransaction,
                and_(
                    LedgerTransaction.partner_id == LedgerEntry.partner_id,
                    LedgerTransaction.id == LedgerEntry.transaction_id,
                ),
            )
            .where(
                LedgerEntry.partner_id == partner_id,
                LedgerEntry.account == LedgerAccount.PARTNER_ALLOCATABLE,
                LedgerEntry.kind.in_([LedgerKind.PARTNER_ORDER_PAYMENT, LedgerKind.PARTNER_REFUND]),
            )
        )
    ).all()
    order_ids = {_order_id(row[2]) for row in rows}
    orders = {
        order_id: (customer_id, paid_at, association_type)
        for order_id, customer_id, paid_at, association_type in await ctx.session.execute(
            select(Order.id, Order.customer_id, Order.paid_at, Customer.association_type)
            .join(
                Customer,
                and_(Customer.partner_id == Order.partner_id, Customer.id == Order.customer_id),
            )
            .where(Order.partner_id == partner_id, Order.id.in_(order_ids))
        )
    }
    for cycle, kind, reference, amount in rows:
        customer_id, paid_at, now_type = orders[_order_id(reference)]
        history = histories.get(customer_id)
        at_payment = history.at(paid_at) if history is not None and paid_at else now_type
        parts = totals[cycle]
        value = _money(amount)
        if at_payment is not AssociationType.RESELLER:
            parts.referral -= value
        elif kind is LedgerKind.PARTNER_REFUND:
            parts.refunded += value
        else:
            parts.paid -= value


async def _invoice_lines(ctx: ServiceContext, partner_id: int, totals: _Totals) -> None:
    rows = await ctx.session.execute(
        select(InvoiceLine.bill_cycle, Invoice.status, func.sum(InvoiceLine.amount))
        .join(
            Invoice,
            and_(
                Invoice.partner_id == InvoiceLine.partner_id, Invoice.id == InvoiceLine.invoice_id
            ),
        )
        .where(
            InvoiceLine.partner_id == partner_id,
            Invoice.status.in_([InvoiceStatus.REQUESTED, *ISSUED_STATUSES, InvoiceStatus.RETURNED]),
        )
        .group_by(InvoiceLine.bill_cycle, Invoice.status)
    )
    for cycle, status, amount in rows:
        parts = totals[cycle]
        if status is InvoiceStatus.REQUESTED:
            parts.requested += _money(amount)
        elif status is InvoiceStatus.RETURNED:
            parts.returned += _money(amount)
        else:
            parts.invoiced += _money(amount)


def _order_id(reference: str) -> int:
    return int(reference.split(":", 1)[1])


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


async def invoiceable(ctx: ServiceContext, partner_id: int) -> Invoiceable:
    """Every cycle's invoiceable amount of `partner_id`, oldest first (no permission check:
    the callers check theirs)."""
    totals = _Totals()
    histories = await _histories(ctx, partner_id)
    await _customer_movements(ctx, partner_id, totals, histories)
    await _partner_orders(ctx, partner_id, totals, histories)
    await _invoice_lines(ctx, partner_id, totals)
    cycles = [totals.cycles[c] for c in sorted(totals.cycles)]
    return Invoiceable([c for c in cycles if any(_parts_of(c))])


def _parts_of(parts: CycleParts) -> tuple[Decimal, ...]:
    return (
        parts.paid,
        parts.refunded,
        parts.referral,
        parts.requested,
        parts.invoiced,
        parts.returned,
    )
