"""Root fields of invoices: the partner's invoice profiles."""

from __future__ import annotations

import strawberry

from app.resolvers.invoices import profiles as profile_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.invoices import profiles
from app.schema.invoices.profiles import InvoiceProfile


@strawberry.type(description="Read entry points: invoice profiles.")
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


@strawberry.type(description="Changes: invoice profiles.")
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
