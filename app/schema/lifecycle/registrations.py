"""Registration type, its filter and ordering, and the registration mutations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.lifecycle import registrations as resolvers
from app.schema.core.enums import OrderDirection
from app.schema.core.errors import UserError, user_errors
from app.schema.core.money import Money
from app.schema.core.relay import DateTimeRange, Node
from app.schema.core.scalars import Amount
from app.schema.lifecycle.enums import RegistrationOrderField, RegistrationStatus
from app.schema.partners.partners import Partner, PartnerUser
from app.services.lifecycle.registrations import effective_status

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer


@strawberry.input(description="Ordering of a registration list.")
class RegistrationOrder:
    field: RegistrationOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


@strawberry.input(description="Conditions a registration must meet; all given ones apply.")
class RegistrationFilter:
    statuses: list[RegistrationStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now: lapsed ones are EXPIRED)."
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Company name contains this text (case-insensitive)."
    )
    submitted_between: DateTimeRange | None = strawberry.field(
        default=None, description="Submitted within this range."
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this partner's (useful to the platform)."
    )


RegistrationFilterInput = RegistrationFilter


@strawberry.type(description="A partner's registration (报备) of a prospective customer.")
class Registration(Node):
    row: strawberry.Private[Any]
    company_name: str = strawberry.field(description="Company name as registered.")
    credit_code: str | None = strawberry.field(description="Unified social credit code.")
    contact_name: str = strawberry.field(description="Contact person.")
    contact_email: str = strawberry.field(description="Contact email.")
    contact_phone: str = strawberry.field(
        description="Contact phone; the accepting account must have this phone."
    )
    industry: str = strawberry.field(description="Industry.")
    region: str = strawberry.field(description="Region.")
    expected_monthly_spend: Money | None = strawberry.field(description="Expected monthly spend.")
    note: str = strawberry.field(description="The partner's note.")
    status: RegistrationStatus = strawberry.field(
        description="Status as of now (an approved one past expiresAt reads EXPIRED)."
    )
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    reviewed_at: datetime | None = strawberry.field(description="When the platform reviewed it.")
    rejection_reason: str = strawberry.field(description="Why it was rejected (else empty).")
    expires_at: datetime | None = strawberry.field(
        description="End of the approval's validity (exclusive); null until approved."
    )
    associated_at: datetime | None = strawberry.field(description="When it became a customer.")

    @strawberry.field(description="The partner holding the registration.")
    async def partner(self, info: strawberry.Info) -> Partner | None:
        row = await info.context.loaders.partner.load(self.row.partner_id)
        return None if row is None else Partner.from_row(row)

    @strawberry.field(description="Who submitted it.")
    async def submitted_by(self, info: strawberry.Info) -> PartnerUser | None:
        row = await info.context.loaders.partner_user.load(self.row.submitted_by_id)
        return None if row is None else PartnerUser.from_row(row)

    @strawberry.field(description="The customer it became (ASSOCIATED only).")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        customer_id = self.row.associated_customer_id
        if customer_id is None:
            return None
        row = await info.context.loaders.customer.load(customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Registration:
        return cls(
            id=strawberry.ID(to_global_id("Registration", row.id)),
            row=row,
            company_name=row.company_name,
            credit_code=row.credit_code,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            contact_phone=row.contact_phone,
            industry=row.industry,
            region=row.region,
            expected_monthly_spend=Money.cny(row.expected_monthly_spend),
            note=row.note,
            status=effective_status(row),  # type: ignore[arg-type]
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            reviewed_at=row.reviewed_at,
            rejection_reason=row.rejection_reason,
            expires_at=row.expires_at,
            associated_at=row.associated_at,
        )


@strawberry.input(description="A prospective customer to register.")
class SubmitRegistrationInput:
    company_name: str = strawberry.field(description="Company name (1-200 characters).")
    contact_name: str = strawberry.field(description="Contact person (1-100 characters).")
    contact_email: str = strawberry.field(description="Contact email.")
    contact_phone: str = strawberry.field(
        description="Contact phone; the customer who accepts must have it."
    )
    credit_code: str | None = strawberry.field(
        default=None, description="Unified social credit code (18 characters), if known."
    )
    industry: str | None = strawberry.field(default=None, description="Industry.")
    region: str | None = strawberry.field(default=None, description="Region.")
    expected_monthly_spend: Amount | None = strawberry.field(
        default=None, description="Expected monthly spend in CNY (at most 2 decimals)."
    )
    note: str | None = strawberry.field(default=None, description="Note (at most 500 characters).")


@strawberry.input(description="Fields to change on a pending registration; omitted ones stay.")
class UpdateRegistrationInput:
    id: strawberry.ID = strawberry.field(description="The registration (PENDING_REVIEW).")
    company_name: str | None = strawberry.field(default=None, description="Company name.")
    credit_code: str | None = strawberry.field(
        default=None, description="Credit code; an empty string clears it."
    )
    contact_name: str | None = strawberry.field(default=None, description="Contact person.")
    contact_email: str | None = strawberry.field(default=None, description="Contact email.")
    contact_phone: str | None = strawberry.field(default=None, description="Contact phone.")
    industry: str | None = strawberry.field(default=None, description="Industry.")
    region: str | None = strawberry.field(default=None, description="Region.")
    expected_monthly_spend: Amount | None = strawberry.field(
        default=None, description="Expected monthly spend in CNY."
    )
    note: str | None = strawberry.field(default=None, description="Note.")


@strawberry.input(description="The registration to withdraw.")
class WithdrawRegistrationInput:
    id: strawberry.ID = strawberry.field(description="A pending or approved registration.")


@strawberry.input(description="The registration to approve.")
class ApproveRegistrationInput:
    id: strawberry.ID = strawberry.field(description="A registration pending review.")


@strawberry.input(description="The registration to reject, and why.")
class RejectRegistrationInput:
    id: strawberry.ID = strawberry.field(description="A registration pending review.")
    reason: str = strawberry.field(description="Shown to the partner (1-500 characters).")


def _payload(cls: Any, outcome: Any) -> Any:
    return cls(
        registration=Registration.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type(description="Result of `submitRegistration`.")
class SubmitRegistrationPayload:
    registration: Registration | None = strawberry.field(
        description="The new registration (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `updateRegistration`.")
class UpdateRegistrationPayload:
    registration: Registration | None = strawberry.field(
        description="The registration as changed (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `withdrawRegistration`.")
class WithdrawRegistrationPayload:
    registration: Registration | None = strawberry.field(
        description="The withdrawn registration (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `approveRegistration`.")
class ApproveRegistrationPayload:
    registration: Registration | None = strawberry.field(
        description="The approved registration (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `rejectRegistration`.")
class RejectRegistrationPayload:
    registration: Registration | None = strawberry.field(
        description="The rejected registration (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def submit_registration(
    info: strawberry.Info,
    input: Annotated[SubmitRegistrationInput, strawberry.argument(description="The company.")],
) -> SubmitRegistrationPayload:
    outcome = await resolvers.submit_registration(info.context, input)
    return _payload(SubmitRegistrationPayload, outcome)


async def update_registration(
    info: strawberry.Info,
    input: Annotated[UpdateRegistrationInput, strawberry.argument(description="What to change.")],
) -> UpdateRegistrationPayload:
    outcome = await resolvers.update_registration(info.context, input)
    return _payload(UpdateRegistrationPayload, outcome)


async def withdraw_registration(
    info: strawberry.Info,
    input: Annotated[WithdrawRegistrationInput, strawberry.argument(description="Which one.")],
) -> WithdrawRegistrationPayload:
    outcome = await resolvers.withdraw_registration(info.context, input)
    return _payload(WithdrawRegistrationPayload, outcome)


async def approve_registration(
    info: strawberry.Info,
    input: Annotated[ApproveRegistrationInput, strawberry.argument(description="Which one.")],
) -> ApproveRegistrationPayload:
    outcome = await resolvers.approve_registration(info.context, input)
    return _payload(ApproveRegistrationPayload, outcome)


async def reject_registration(
    info: strawberry.Info,
    input: Annotated[RejectRegistrationInput, strawberry.argument(description="Which, and why.")],
) -> RejectRegistrationPayload:
    outcome = await resolvers.reject_registration(info.context, input)
    return _payload(RejectRegistrationPayload, outcome)
