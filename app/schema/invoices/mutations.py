"""Invoice mutations: `requestInvoice`, `cancelInvoiceRequest`, the platform's `issueInvoice`
and `rejectInvoice`, and returns (退票): `requestInvoiceReturn`, `confirmInvoiceReturn`,
`refuseInvoiceReturn`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from app.resolvers.invoices import invoices as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.scalars import Amount
from app.schema.invoices.invoices import Invoice

KEY_DESCRIPTION = "Your unique key for this call; a retry with it returns the first result."


@strawberry.input(description="An invoice the partner asks for: cycles or an amount.")
class RequestInvoiceInput:
    profile_id: strawberry.ID = strawberry.field(description="The title it is made out to.")
    cycles: list[str] | None = strawberry.field(
        default=None,
        description="Bill cycles (YYYY-MM) to invoice in full, 1 to 36; or give `amount`.",
    )
    amount: Amount | None = strawberry.field(
        default=None,
        description="An amount, taken from the oldest invoiceable cycles first; or `cycles`.",
    )
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.input(description="The invoice to act on.")
class InvoiceIdInput:
    invoice_id: strawberry.ID = strawberry.field(description="The invoice.")


@strawberry.input(description="The invoice to act on, and why.")
class InvoiceReasonInput:
    invoice_id: strawberry.ID = strawberry.field(description="The invoice.")
    reason: str = strawberry.field(description="1 to 500 characters, shown to the other side.")


@strawberry.input(description="The invoice the platform issued for a request.")
class IssueInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="A REQUESTED invoice.")
    invoice_number: str = strawberry.field(
        description="发票号码: 8 digits, or 20 for a fully digital invoice (数电发票); unique "
        "among the partner's invoices."
    )
    issue_date: date = strawberry.field(
        description="开票日期: not before the request, not in the future (business date)."
    )


@strawberry.type(description="Result of a change to an invoice.")
class InvoicePayload:
    invoice: Invoice | None = strawberry.field(
        description="The invoice after the change (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


def _payload(outcome: Any) -> InvoicePayload:
    return InvoicePayload(
        invoice=Invoice.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


async def request_invoice(
    info: strawberry.Info,
    input: Annotated[RequestInvoiceInput, strawberry.argument(description="The request.")],
) -> InvoicePayload:
    return _payload(await resolvers.request_invoice(info.context, input))


async def cancel_invoice_request(
    info: strawberry.Info,
    input: Annotated[InvoiceIdInput, strawberry.argument(description="A REQUESTED invoice.")],
) -> InvoicePayload:
    return _payload(await resolvers.cancel_invoice_request(info.context, input))


async def issue_invoice(
    info: strawberry.Info,
    input: Annotated[IssueInvoiceInput, strawberry.argument(description="What was issued.")],
) -> InvoicePayload:
    return _payload(await resolvers.issue_invoice(info.context, input))


async def reject_invoice(
    info: strawberry.Info,
    input: Annotated[
        InvoiceReasonInput, strawberry.argument(description="A REQUESTED invoice and why.")
    ],
) -> InvoicePayload:
    return _payload(await resolvers.reject_invoice(info.context, input))


async def request_invoice_return(
    info: strawberry.Info,
    input: Annotated[
        InvoiceReasonInput, strawberry.argument(description="An ISSUED invoice and why.")
    ],
) -> InvoicePayload:
    return _payload(await resolvers.request_invoice_return(info.context, input))


async def confirm_invoice_return(
    info: strawberry.Info,
    input: Annotated[
        InvoiceIdInput, strawberry.argument(description="A RETURN_REQUESTED invoice.")
    ],
) -> InvoicePayload:
    return _payload(await resolvers.confirm_invoice_return(info.context, input))


async def refuse_invoice_return(
    info: strawberry.Info,
    input: Annotated[
        InvoiceReasonInput, strawberry.argument(description="A RETURN_REQUESTED invoice and why.")
    ],
) -> InvoicePayload:
    return _payload(await resolvers.refuse_invoice_return(info.context, input))
