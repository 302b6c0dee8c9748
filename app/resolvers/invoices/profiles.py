"""Resolvers of invoice profiles: the three mutations (one service call each, the profile
re-read) and the `invoiceProfiles` list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id
from app.resolvers.core.mutations import Outcome, run_and_load, run_mutation
from app.services.core.pagination import Page, PageRequest
from app.services.invoices import profiles as service
from app.services.invoices.profile_rules import ProfileFields

if TYPE_CHECKING:
    from app.schema.invoices.profiles import (
        CreateInvoiceProfileInput,
        DeleteInvoiceProfileInput,
        UpdateInvoiceProfileInput,
    )

CHANGEABLE = tuple(ProfileFields.__dataclass_fields__)


async def create_invoice_profile(
    ctx: RequestContext, input: CreateInvoiceProfileInput
) -> Outcome[Any]:
    fields = ProfileFields(
        title_type=input.title_type,
        invoice_type=input.invoice_type,
        title=input.title,
        tax_id=input.tax_id or "",
        bank_name=input.bank_name or "",
        bank_account=input.bank_account or "",
        address=input.address or "",
        phone=input.phone or "",
    )
    return await run_and_load(
        ctx,
        lambda: service.create_invoice_profile(ctx.service, fields, is_default=input.is_default),
        ctx.loaders.invoice_profile,
    )


async def update_invoice_profile(
    ctx: RequestContext, input: UpdateInvoiceProfileInput
) -> Outcome[Any]:
    changes = {name: value for name in CHANGEABLE if (value := getattr(input, name)) is not None}
    return await run_and_load(
        ctx,
        lambda: service.update_invoice_profile(
            ctx.service,
            parse_optional_id(input.profile_id, "InvoiceProfile"),
            changes,
            is_default=input.is_default,
        ),
        ctx.loaders.invoice_profile,
    )


async def delete_invoice_profile(
    ctx: RequestContext, input: DeleteInvoiceProfileInput
) -> Outcome[int]:
    profile_id = parse_optional_id(input.profile_id, "InvoiceProfile")
    outcome = await run_mutation(
        ctx, lambda: service.delete_invoice_profile(ctx.service, profile_id)
    )
    if outcome.value is not None:
        ctx.loaders.invoice_profile.clear(outcome.value)
    return outcome


async def list_invoice_profiles(
    ctx: RequestContext,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.list_invoice_profiles(ctx.service, page)
