"""Every move of an invoice after its request, each from exactly one state:

| move | who | from → to |
|---|---|---|
| `cancel_invoice_request` | ADMIN, FINANCE | REQUESTED → CANCELLED |
| `issue_invoice` (number, date) | PLATFORM | REQUESTED → ISSUED |
| `reject_invoice` (reason) | PLATFORM | REQUESTED → REJECTED |
| `request_invoice_return` (reason) | ADMIN, FINANCE | ISSUED → RETURN_REQUESTED |
| `confirm_invoice_return` | PLATFORM | RETURN_REQUESTED → RETURNED |
| `refuse_invoice_return` (reason) | PLATFORM | RETURN_REQUESTED → ISSUED |

Any other state answers `INVALID_STATE` naming the state it is in. The row is locked first, so
two moves at once are decided one after the other (the second sees the first's state). Issuing
also locks the partner row (after the invoice's) before it checks the number, so of two
invoices issued under one number at once the second is refused (`INVALID_INPUT`) instead of
failing the unique index. A CANCELLED, REJECTED or RETURNED invoice covers nothing: its amount
is invoiceable again.

The invoice number (发票号码) is 8 digits (a paper or electronic VAT invoice) or 20 digits (a
fully digital invoice, 数电发票), ASCII digits only (not full-width or other scripts' digits),
spaces around it dropped, unique among the partner's invoices; the issue date is a business
date neither before the request nor in the future.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Invoice, Partner
from app.models.invoices.enums import InvoiceStatus
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.principal import Permission
from app.services.core.reasons import check_reason
from app.services.core.scoping import find_visible

NOT_FOUND = "No such invoice."
INVOICE_NUMBER = re.compile(r"[0-9]{8}|[0-9]{20}")  # ASCII digits only (fullmatch)


def _snapshot(row: Any) -> dict[str, Any]:
    return {"status": row.status, "amount": row.amount, "invoiceNumber": row.invoice_number}


CANCEL = Decidable("Invoice", decided_at=("cancelled_at", "updated_at"), snapshot=_snapshot)
ISSUE = Decidable("Invoice", decided_at=("issued_at", "updated_at"), snapshot=_snapshot)
REJECT = Decidable(
    "Invoice", decided_at=("rejected_at", "updated_at"), reason="reject_reason", snapshot=_snapshot
)
ASK_RETURN = Decidable(
    "Invoice",
    decided_at=("return_requested_at", "updated_at"),
    reason="return_reason",
    snapshot=_snapshot,
)
RETURN = Decidable("Invoice", decided_at=("returned_at", "updated_at"), snapshot=_snapshot)
REFUSE_RETURN = Decidable(
    "Invoice", decided_at=("updated_at",), reason="return_refusal_reason", snapshot=_snapshot
)


async def _invoice(
    ctx: ServiceContext, invoice_id: int | None, allowed: Iterable[InvoiceStatus]
) -> Invoice:
    invoice: Invoice = await find_visible(
        ctx, Invoice, invoice_id, NOT_FOUND, ("invoiceId",), lock=True
    )
    allowed = tuple(allowed)
    if invoice.status not in allowed:
        expected = " or ".join(s.value for s in allowed)
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"The invoice is {invoice.status.value}; this needs it {expected}.",
            ["invoiceId"],
        )
    return invoice


async def cancel_invoice_request(ctx: ServiceContext, invoice_id: int | None) -> int:
    """The partner withdraws a request the platform has not decided (ADMIN, FINANCE)."""
    ctx.principal.require(Permission.COUPONS_INVOICES)
    invoice = await _invoice(ctx, invoice_id, [InvoiceStatus.REQUESTED])
    await decide(ctx, CANCEL, invoice, InvoiceStatus.CANCELLED, action="invoice.cancel")
    return invoice.id


async def _number_taken(ctx: ServiceContext, invoice: Invoice, number: str) -> bool:
    found = await ctx.session.scalar(
        select(Invoice.id)
        .where(
            Invoice.partner_id == invoice.partner_id,
            Invoice.invoice_number == number,
            Invoice.id != invoice.id,
        )
        .limit(1)
    )
    return found is not None


async def issue_invoice(
    ctx: ServiceContext, invoice_id: int | None, invoice_number: str, issue_date: date
) -> int:
    """The platform issues a requested invoice with its number and date (PLATFORM)."""
    ctx.principal.require_platform()
    number = invoice_number.strip()
    errors = []
    if not INVOICE_NUMBER.fullmatch(number):
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                "An invoice number has 8 digits, or 20 for a fully digital invoice.",
                ["invoiceNumber"],
            )
        )
    today = clock.business_date(clock.now())
    if issue_date > today:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT, "The issue date can't be in the future.", ["issueDate"]
            )
        )
    if errors:
        raise DomainErrors(errors)
    invoice = await _invoice(ctx, invoice_id, [InvoiceStatus.REQUESTED])
    if issue_date < clock.business_date(invoice.requested_at):
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "The issue date can't be before the request.",
            ["issueDate"],
        )
    # the partner's invoices are checked for the number under its lock (two invoices at once)
    await ctx.session.scalar(
        select(Partner.id).where(Partner.id == invoice.partner_id).with_for_update()
    )
    if await _number_taken(ctx, invoice, number):
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "The partner already has an invoice with this number.",
            ["invoiceNumber"],
        )
    await decide(
        ctx,
        ISSUE,
        invoice,
        InvoiceStatus.ISSUED,
        action="invoice.issue",
        changes={"invoice_number": number, "issue_date": issue_date},
        after={"issueDate": issue_date},
    )
    return invoice.id


async def reject_invoice(ctx: ServiceContext, invoice_id: int | None, reason: str) -> int:
    """The platform refuses a request, with the reason the partner sees (PLATFORM)."""
    ctx.principal.require_platform()
    reason = check_reason(reason)
    invoice = await _invoice(ctx, invoice_id, [InvoiceStatus.REQUESTED])
    await decide(
        ctx, REJECT, invoice, InvoiceStatus.REJECTED, action="invoice.reject", reason=reason
    )
    return invoice.id


async def request_invoice_return(ctx: ServiceContext, invoice_id: int | None, reason: str) -> int:
    """The partner asks to return (退票) an issued invoice, with a reason (ADMIN, FINANCE)."""
    ctx.principal.require(Permission.COUPONS_INVOICES)
    reason = check_reason(reason)
    invoice = await _invoice(ctx, invoice_id, [InvoiceStatus.ISSUED])
    await decide(
        ctx,
        ASK_RETURN,
        invoice,
        InvoiceStatus.RETURN_REQUESTED,
        action="invoice.request_return",
        reason=reason,
        changes={"return_refusal_reason": ""},
    )
    return invoice.id


async def confirm_invoice_return(ctx: ServiceContext, invoice_id: int | None) -> int:
    """The platform takes the invoice back: its amount is invoiceable again (PLATFORM)."""
    ctx.principal.require_platform()
    invoice = await _invoice(ctx, invoice_id, [InvoiceStatus.RETURN_REQUESTED])
    await decide(ctx, RETURN, invoice, InvoiceStatus.RETURNED, action="invoice.confirm_return")
    return invoice.id


async def refuse_invoice_return(ctx: ServiceContext, invoice_id: int | None, reason: str) -> int:
    """The platform refuses the return: the invoice is ISSUED again (PLATFORM)."""
    ctx.principal.require_platform()
    reason = check_reason(reason)
    invoice = await _invoice(ctx, invoice_id, [InvoiceStatus.RETURN_REQUESTED])
    await decide(
        ctx,
        REFUSE_RETURN,
        invoice,
        InvoiceStatus.ISSUED,
        action="invoice.refuse_return",
        reason=reason,
    )
    return invoice.id
