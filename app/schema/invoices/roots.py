"""Root fields of invoices: profiles, invoices and their moves, the invoiceable amount."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.invoices import invoices as invoice_resolvers
from app.resolvers.invoices import profiles as profile_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.invoices import mutations, profiles
from app.schema.invoices.invoices import Invoice, InvoiceableAmount, InvoiceFilter, InvoiceOrder
from app.schema.invoices.profiles import InvoiceProfile


@strawberry.type(description="Read entry points: invoice profiles, invoices, invoiceable amount.")
class Query:
    @strawberry.field(
        description="The partner's invoice titles (发票抬头), newest first (ADMIN, FINANCE, "
        "VIEWER; the platform: every partner's); deleted ones are not listed."
    )
    async def invoice_profiles(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[InvoiceProfile]:
        page = await profile_resolvers.list_invoice_profiles(
            info.context, first, after, last, before
        )
        return connection(page, InvoiceProfile.from_row)

    @strawberry.field(
        description="The partner's invoices, newest request first by default (ADMIN, FINANCE, "
        "VIEWER; the platform: every partner's, or one's with `partnerId`)."
    )
    async def invoices(
        self,
        info: strawberry.Info,
        filter: Annotated[
            InvoiceFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            InvoiceOrder | None, strawberry.argument(description="Ordering; newest first.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Invoice]:
        page = await invoice_resolvers.list_invoices(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Invoice.from_row)

    @strawberry.field(
        description="What the partner may invoice: paid, not refunded, not yet requested or "
        "invoiced, per bill cycle from `cycleFrom` to `cycleTo` (inclusive; each optional) and "
        "summed (ADMIN, FINANCE, VIEWER; the platform names the partner)."
    )
    async def invoiceable_amount(
        self,
        info: strawberry.Info,
        cycle_from: Annotated[
            str | None, strawberry.argument(description="First cycle, YYYY-MM.")
        ] = None,
        cycle_to: Annotated[
            str | None, strawberry.argument(description="Last cycle, YYYY-MM.")
        ] = None,
        partner_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The partner (platform).")
        ] = None,
    ) -> InvoiceableAmount:
        window = await invoice_resolvers.invoiceable_amount(
            info.context, cycle_from, cycle_to, partner_id
        )
        return InvoiceableAmount.from_window(window)


@strawberry.type(description="Changes: invoice profiles, invoices and returns.")
class Mutation:
    create_invoice_profile: profiles.InvoiceProfilePayload = strawberry.mutation(
        resolver=profiles.create_invoice_profile,
        description="Add an invoice title to the partner (ADMIN, FINANCE).",
    )
    update_invoice_profile: profiles.InvoiceProfilePayload = strawberry.mutation(
        resolver=profiles.update_invoice_profile,
        description="Change an invoice title's given fields (ADMIN, FINANCE).",
    )
    delete_invoice_profile: profiles.DeleteInvoiceProfilePayload = strawberry.mutation(
        resolver=profiles.delete_invoice_profile,
        description="Delete an invoice title; it is no longer listed or used (ADMIN, FINANCE).",
    )
    request_invoice: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.request_invoice,
        description=(
            "Ask the platform for an invoice of invoiceable money, by cycles or an amount "
            "(ADMIN, FINANCE). Idempotent per idempotencyKey."
        ),
    )
    cancel_invoice_request: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.cancel_invoice_request,
        description="Withdraw a REQUESTED invoice (ADMIN, FINANCE).",
    )
    issue_invoice: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.issue_invoice,
        description="Issue a REQUESTED invoice with its number and date (PLATFORM).",
    )
    reject_invoice: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.reject_invoice,
        description="Refuse a REQUESTED invoice with a reason (PLATFORM).",
    )
    request_invoice_return: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.request_invoice_return,
        description="Ask to return (退票) an ISSUED invoice, with a reason (ADMIN, FINANCE).",
    )
    confirm_invoice_return: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.confirm_invoice_return,
        description="Take a returned invoice back: its amount is invoiceable again (PLATFORM).",
    )
    refuse_invoice_return: mutations.InvoicePayload = strawberry.mutation(
        resolver=mutations.refuse_invoice_return,
        description="Refuse a return with a reason: the invoice is ISSUED again (PLATFORM).",
    )
