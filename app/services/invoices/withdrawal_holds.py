"""The withdrawable rule's invoice part (public: the funds domain asks it).

Money that was invoiced as spent and then came back through a refund may leave only once the
invoice covering it is returned (DOMAIN.md > Funds > withdrawals). The amount held is what
invoices cover beyond the net the partner paid, as far as issued, unreturned ones (ISSUED or
RETURN_REQUESTED) cover it (`Invoiceable.issued_over_net`): a request the platform has not
issued holds nothing by itself (it can still be cancelled or rejected), but it claims its
money before an issued invoice does. The invoices to return are the ISSUED ones, newest
first, until their amounts reach what is held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.models import Invoice
from app.models.invoices.enums import InvoiceStatus
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.invoices.invoiceable import ZERO, invoiceable


@dataclass(frozen=True, slots=True)
class ToReturn:
    invoice_id: int
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoicedHold:
    """Refunded money still covered by issued invoices, and the invoices to return."""

    amount: Decimal = ZERO
    invoices: list[ToReturn] = field(default_factory=list)


async def invoiced_hold(ctx: ServiceContext, partner_id: int) -> InvoicedHold:
    held = (await invoiceable(ctx, partner_id)).issued_over_net
    if held <= 0:
        return InvoicedHold()
    rows = await ctx.session.execute(
        select(Invoice.id, Invoice.invoice_number, Invoice.amount)
        .where(Invoice.partner_id == partner_id, Invoice.status == InvoiceStatus.ISSUED)
        .order_by(Invoice.issued_at.desc(), Invoice.id.desc())
    )
    chosen: list[ToReturn] = []
    covered = ZERO
    for invoice_id, number, amount in rows:
        if covered >= held:
            break
        chosen.append(ToReturn(invoice_id, number or "", amount))
        covered += amount
    return InvoicedHold(held, chosen)


def refusal(hold: InvoicedHold, allocatable: Decimal, asked: Decimal) -> DomainError | None:
    """`INVOICED_NOT_RETURNED` if `asked` reaches into the held money, else None."""
    free = max(allocatable - hold.amount, ZERO)
    if hold.amount <= 0 or asked <= free:
        return None
    numbers = ", ".join(f"{i.invoice_number} ({i.amount})" for i in hold.invoices)
    to_return = f"; return invoice {numbers} first" if numbers else ""
    return DomainError(
        ErrorCode.INVOICED_NOT_RETURNED,
        f"{hold.amount} of the refunded money is still covered by issued invoices, so at most "
        f"{free} can be withdrawn now; asked for {asked}{to_return}.",
        ["amount"],
    )
