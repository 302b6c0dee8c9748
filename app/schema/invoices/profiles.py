"""Invoice profiles (发票抬头): the node, `createInvoiceProfile`, `updateInvoiceProfile`,
`deleteInvoiceProfile`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.invoices import profiles as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import Node
from app.schema.invoices.enums import InvoiceTitleType, InvoiceType

TAX_ID = (
    "The tax id: the 18-character unified social credit code (统一社会信用代码, with its "
    "GB 32100-2015 check character); required for an ENTERPRISE title, empty for an INDIVIDUAL."
)


@strawberry.type(
    description="An invoice title (发票抬头) of the partner: whom the vendor's invoices to the "
    "partner are made out to, and the details printed on them."
)
class InvoiceProfile(Node):
    title_type: InvoiceTitleType = strawberry.field(description="Whom the title names.")
    invoice_type: InvoiceType = strawberry.field(description="The invoice it asks for.")
    title: str = strawberry.field(description="The company's (or person's) name.")
    tax_id: str = strawberry.field(description=TAX_ID)
    bank_name: str = strawberry.field(description="The bank of the account (empty if none).")
    bank_account: str = strawberry.field(description="The bank account number (empty if none).")
    address: str = strawberry.field(description="The registered address (empty if none).")
    phone: str = strawberry.field(description="The registered phone number (empty if none).")
    is_default: bool = strawberry.field(
        description="The partner's default title (at most one profile is)."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_row(cls, row: Any) -> InvoiceProfile:
        return cls(
            id=strawberry.ID(to_global_id("InvoiceProfile", row.id)),
            title_type=row.title_type,
            invoice_type=row.invoice_type,
            title=row.title,
            tax_id=row.tax_id,
            bank_name=row.bank_name,
            bank_account=row.bank_account,
            address=row.address,
            phone=row.phone,
            is_default=row.is_default,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.input(description="A new invoice title of the caller's partner.")
class CreateInvoiceProfileInput:
    title_type: InvoiceTitleType = strawberry.field(description="Whom the title names.")
    invoice_type: InvoiceType = strawberry.field(description="The invoice it asks for.")
    title: str = strawberry.field(description="The company's (or person's) name, 1 to 100.")
    tax_id: str | None = strawberry.field(default=None, description=TAX_ID)
    bank_name: str | None = strawberry.field(
        default=None, description="The bank (at most 100; VAT_SPECIAL needs it)."
    )
    bank_account: str | None = strawberry.field(
        default=None,
        description="The account number, 6 to 40 digits (spaces and hyphens dropped; "
        "VAT_SPECIAL needs it).",
    )
    address: str | None = strawberry.field(
        default=None, description="The registered address (at most 200; VAT_SPECIAL needs it)."
    )
    phone: str | None = strawberry.field(
        default=None,
        description="The registered phone: digits, spaces, +, - and parentheses, 5 to 30 "
        "(VAT_SPECIAL needs it).",
    )
    is_default: bool | None = strawberry.field(
        default=None,
        description="Make it the default title (clears the others'); omitted: only when "
        "the partner has no default yet.",
    )


@strawberry.input(description="What to change on an invoice profile; omitted fields stay.")
class UpdateInvoiceProfileInput:
    profile_id: strawberry.ID = strawberry.field(description="The profile (an InvoiceProfile).")
    title_type: InvoiceTitleType | None = strawberry.field(
        default=None, description="Whom the title names."
    )
    invoice_type: InvoiceType | None = strawberry.field(
        default=None, description="The invoice it asks for."
    )
    title: str | None = strawberry.field(default=None, description="The name, 1 to 100.")
    tax_id: str | None = strawberry.field(default=None, description=TAX_ID + ' "" clears it.')
    bank_name: str | None = strawberry.field(default=None, description='The bank; "" clears.')
    bank_account: str | None = strawberry.field(
        default=None, description='The account number, 6 to 40 digits; "" clears.'
    )
    address: str | None = strawberry.field(
        default=None, description='The registered address; "" clears.'
    )
    phone: str | None = strawberry.field(
        default=None, description='The registered phone; "" clears.'
    )
    is_default: bool | None = strawberry.field(
        default=None,
        description="true: make it the default (clears the others'); false: unset it.",
    )


@strawberry.input(description="The invoice profile to delete.")
class DeleteInvoiceProfileInput:
    profile_id: strawberry.ID = strawberry.field(description="The profile (an InvoiceProfile).")


@strawberry.type(description="Result of `createInvoiceProfile` and `updateInvoiceProfile`.")
class InvoiceProfilePayload:
    invoice_profile: InvoiceProfile | None = strawberry.field(
        description="The profile as created or changed (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `deleteInvoiceProfile`.")
class DeleteInvoiceProfilePayload:
    deleted_invoice_profile_id: strawberry.ID | None = strawberry.field(
        description="Id of the deleted profile (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


def _payload(outcome: Any) -> InvoiceProfilePayload:
    row = outcome.value
    return InvoiceProfilePayload(
        invoice_profile=None if row is None else InvoiceProfile.from_row(row),
        user_errors=user_errors(outcome.errors),
    )


async def create_invoice_profile(
    info: strawberry.Info,
    input: Annotated[CreateInvoiceProfileInput, strawberry.argument(description="The title.")],
) -> InvoiceProfilePayload:
    return _payload(await resolvers.create_invoice_profile(info.context, input))


async def update_invoice_profile(
    info: strawberry.Info,
    input: Annotated[UpdateInvoiceProfileInput, strawberry.argument(description="What to set.")],
) -> InvoiceProfilePayload:
    return _payload(await resolvers.update_invoice_profile(info.context, input))


async def delete_invoice_profile(
    info: strawberry.Info,
    input: Annotated[DeleteInvoiceProfileInput, strawberry.argument(description="The profile.")],
) -> DeleteInvoiceProfilePayload:
    outcome = await resolvers.delete_invoice_profile(info.context, input)
    deleted = (
        None
        if outcome.value is None
        else strawberry.ID(to_global_id("InvoiceProfile", outcome.value))
    )
    return DeleteInvoiceProfilePayload(
        deleted_invoice_profile_id=deleted, user_errors=user_errors(outcome.errors)
    )
