"""Reading invoices, their lines and the invoiceable amount.

Invoices are the partner's finance data: ADMIN, FINANCE and VIEWER read their partner's, the
platform every partner's (it issues them; `partnerId` narrows the list to one); a SALES user
gets `FORBIDDEN` from the lists and `null` from `node`, a customer likewise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.models import Invoice, InvoiceLine, Partner
from app.models.invoices.enums import InvoiceStatus, InvoiceType
from app.models.partners.enums import PrincipalKind
from app.services.core.context import ServiceContext
from app.services.core.errors import BadRequest, DomainError, PermissionDenied
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import can_read_funds
from app.services.core.scoping import find_visible, visible
from app.services.invoices.invoiceable import CycleParts, Invoiceable, invoiceable
from app.services.invoices.requests import check_cycles

INVOICE_COLUMNS = tuple(Invoice.__table__.columns)
LINE_COLUMNS = tuple(InvoiceLine.__table__.columns)


class InvoiceOrderField(StrEnum):
    REQUESTED_AT = "REQUESTED_AT"
    AMOUNT = "AMOUNT"
    UPDATED_AT = "UPDATED_AT"


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    statuses: tuple[InvoiceStatus, ...] | None = None
    invoice_types: tuple[InvoiceType, ...] | None = None
    cycle: str | None = None
    requested_from: datetime | None = None
    requested_to: datetime | None = None
    invoice_number: str | None = None
    partner_id: int | None = None


def require_reader(ctx: ServiceContext) -> None:
    if not can_read_funds(ctx.principal):
        raise PermissionDenied("Invoices are for ADMIN, FINANCE and VIEWER users.")


def _may_read(ctx: ServiceContext) -> bool:
    try:
        require_reader(ctx)
    except PermissionDenied:  # a node is hidden, not an error
        return False
    return True


def _invoices(ctx: ServiceContext, f: InvoiceFilter) -> Select[Any]:
    stmt = select(*INVOICE_COLUMNS).where(visible(ctx.principal, Invoice))
    if f.partner_id is not None:
        stmt = stmt.where(Invoice.partner_id == f.partner_id)
    if f.statuses:
        stmt = stmt.where(Invoice.status.in_(f.statuses))
    if f.invoice_types:
        stmt = stmt.where(Invoice.invoice_type.in_(f.invoice_types))
    if f.requested_from is not None:
        stmt = stmt.where(Invoice.requested_at >= f.requested_from)
    if f.requested_to is not None:
        stmt = stmt.where(Invoice.requested_at < f.requested_to)
    if f.invoice_number is not None:
        stmt = stmt.where(Invoice.invoice_number == f.invoice_number.strip())
    if f.cycle is not None:
        covering = select(InvoiceLine.invoice_id).where(
            InvoiceLine.partner_id == Invoice.partner_id,
            InvoiceLine.invoice_id == Invoice.id,
            InvoiceLine.bill_cycle == f.cycle,
        )
        stmt = stmt.where(covering.exists())
    return stmt


def _ordering(
    field: InvoiceOrderField, direction: Direction
) -> tuple[Ordering, Callable[[Any], Any]]:
    if field is InvoiceOrderField.AMOUNT:
        return Ordering("AMOUNT", Invoice.amount, Invoice.id, direction), lambda r: r.amount
    if field is InvoiceOrderField.UPDATED_AT:
        return (
            Ordering("UPDATED_AT", Invoice.updated_at, Invoice.id, direction),
            lambda r: r.updated_at,
        )
    return (
        Ordering("REQUESTED_AT", Invoice.requested_at, Invoice.id, direction),
        lambda r: r.requested_at,
    )


async def list_invoices(
    ctx: ServiceContext,
    f: InvoiceFilter,
    field: InvoiceOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """The invoices the caller may read, newest request first by default."""
    require_reader(ctx)
    if f.cycle is not None and check_cycles([f.cycle], "cycle"):
        raise BadRequest(f"`cycle` is a bill cycle, YYYY-MM; got {f.cycle!r}.")
    ordering, sort_key = _ordering(field, direction)
    return await fetch_page(ctx.session, _invoices(ctx, f), ordering, page, sort_key)


async def get_invoices(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Invoices by id among those the caller may read (the `node` and payload loader)."""
    if not _may_read(ctx):
        return {}
    rows = await ctx.session.execute(
        select(*INVOICE_COLUMNS).where(visible(ctx.principal, Invoice), Invoice.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def lines_by_invoice(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, list[Any]]:
    """Each invoice's lines, oldest cycle first (one statement for a page of invoices)."""
    found: dict[int, list[Any]] = defaultdict(list)
    if not _may_read(ctx):
        return found
    rows = await ctx.session.execute(
        select(*LINE_COLUMNS)
        .where(visible(ctx.principal, InvoiceLine), InvoiceLine.invoice_id.in_(ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.bill_cycle)
    )
    for row in rows:
        found[row.invoice_id].append(row)
    return found


@dataclass(frozen=True, slots=True)
class InvoiceableWindow:
    """The cycles of a window and their sums, with what the partner may request in all."""

    cycles: list[CycleParts]
    requestable: Decimal
    issued_over_net: Decimal

    def total(self, name: str) -> Decimal:
        return sum((getattr(c, name) for c in self.cycles), Decimal("0.00"))


async def invoiceable_amount(
    ctx: ServiceContext,
    cycle_from: str | None,
    cycle_to: str | None,
    partner_id: int | None = None,
) -> InvoiceableWindow:
    """A partner's invoiceable amount by cycle between `cycle_from` and `cycle_to`
    (inclusive, each optional) and in total (ADMIN, FINANCE, VIEWER; the platform names the
    partner)."""
    require_reader(ctx)
    for name, value in (("cycleFrom", cycle_from), ("cycleTo", cycle_to)):
        if value is not None and check_cycles([value], name):
            raise BadRequest(f"`{name}` is a bill cycle, YYYY-MM; got {value!r}.")
    if cycle_from and cycle_to and cycle_from > cycle_to:
        raise BadRequest("cycleTo is before cycleFrom.")
    if ctx.principal.kind is PrincipalKind.PLATFORM:
        if partner_id is None:
            raise BadRequest("The platform names the partner (`partnerId`).")
    else:
        partner_id = ctx.principal.partner_id
    try:
        partner = await find_visible(ctx, Partner, partner_id, "No such partner.", ["partnerId"])
    except DomainError as error:  # a query answers a bad argument as a request error
        raise BadRequest(f"`partnerId`: {error.message}") from None
    result: Invoiceable = await invoiceable(ctx, partner.id)
    window = [
        c
        for c in result.cycles
        if (cycle_from is None or c.cycle >= cycle_from)
        and (cycle_to is None or c.cycle <= cycle_to)
    ]
    return InvoiceableWindow(window, result.total, result.issued_over_net)
