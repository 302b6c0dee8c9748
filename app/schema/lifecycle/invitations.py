"""Invitation type, its filter and ordering, and the invitation mutations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.lifecycle import invitations as resolvers
from app.schema.core.enums import OrderDirection
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import DateTimeRange, Node
from app.schema.customers.enums import AssociationType
from app.schema.lifecycle.enums import InvitationChannel, InvitationOrderField, InvitationStatus
from app.services.lifecycle.invitations import effective_status

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer
    from app.schema.lifecycle.registrations import Registration

CustomerRef = Annotated["Customer", strawberry.lazy("app.schema.customers.customers")]
RegistrationRef = Annotated["Registration", strawberry.lazy("app.schema.lifecycle.registrations")]


@strawberry.input(description="Ordering of an invitation list.")
class InvitationOrder:
    field: InvitationOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


@strawberry.input(description="Conditions an invitation must meet; all given ones apply.")
class InvitationFilter:
    statuses: list[InvitationStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now: lapsed ones are EXPIRED)."
    )
    channel: InvitationChannel | None = strawberry.field(default=None, description="Channel.")
    association_type: AssociationType | None = strawberry.field(
        default=None, description="The association type offered."
    )
    registration_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this registration's invitations."
    )
    company_name_contains: str | None = strawberry.field(
        default=None, description="Invited company name contains this text (case-insensitive)."
    )
    created_between: DateTimeRange | None = strawberry.field(
        default=None, description="Created within this range."
    )


InvitationFilterInput = InvitationFilter


@strawberry.type(
    description="An invitation to associate with the partner. Its token is never shown."
)
class Invitation(Node):
    row: strawberry.Private[Any]
    channel: InvitationChannel = strawberry.field(description="Online or offline.")
    association_type: AssociationType = strawberry.field(
        description="The association the customer gets by accepting."
    )
    company_name: str = strawberry.field(description="The invited company.")
    contact_name: str = strawberry.field(description="The invited contact.")
    recipient_email: str = strawberry.field(description="Email the link went to (online).")
    recipient_phone: str = strawberry.field(description="Phone the link went to (online).")
    status: InvitationStatus = strawberry.field(description="Status as of now.")
    created_at: datetime = strawberry.field(description="When it was created.")
    sent_at: datetime = strawberry.field(description="When the current link was issued.")
    send_count: int = strawberry.field(description="How many links were issued (1 + resends).")
    expires_at: datetime | None = strawberry.field(
        description="End of the current link (exclusive); null: until revoked."
    )
    accepted_at: datetime | None = strawberry.field(description="When it was accepted.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")

    @strawberry.field(description="The registration it was issued for, if any.")
    async def registration(self, info: strawberry.Info) -> RegistrationRef | None:
        from app.schema.lifecycle.registrations import Registration

        registration_id = self.row.registration_id
        if registration_id is None:
            return None
        row = await info.context.loaders.registration.load(registration_id)
        return None if row is None else Registration.from_row(row)

    @strawberry.field(description="The customer it created (ACCEPTED only).")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from app.schema.customers.customers import Customer

        customer_id = self.row.accepted_customer_id
        if customer_id is None:
            return None
        row = await info.context.loaders.customer.load(customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Invitation:
        return cls(
            id=strawberry.ID(to_global_id("Invitation", row.id)),
            row=row,
            channel=row.channel,
            association_type=row.association_type,
            company_name=row.company_name,
            contact_name=row.contact_name,
            recipient_email=row.recipient_email,
            recipient_phone=row.recipient_phone,
            status=effective_status(row),  # type: ignore[arg-type]
            created_at=row.created_at,
            sent_at=row.sent_at,
            send_count=row.send_count,
            expires_at=row.expires_at,
            accepted_at=row.accepted_at,
            revoked_at=row.revoked_at,
        )


@strawberry.input(description="Whom to invite and how.")
class CreateInvitationInput:
    channel: InvitationChannel = strawberry.field(description="Online (sent) or offline (link).")
    association_type: AssociationType = strawberry.field(
        description="The association the customer gets."
    )
    registration_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An approved registration to invite for; its contact is the default "
        "recipient and must match the accepting account's phone.",
    )
    company_name: str | None = strawberry.field(
        default=None, description="The invited company (required without a registration)."
    )
    contact_name: str | None = strawberry.field(default=None, description="The invited contact.")
    recipient_email: str | None = strawberry.field(
        default=None, description="Send the link to this email (online)."
    )
    recipient_phone: str | None = strawberry.field(
        default=None, description="Send the link to this phone by SMS (online)."
    )


@strawberry.input(description="The invitation to send again with a new link.")
class ResendInvitationInput:
    id: strawberry.ID = strawberry.field(description="An open (SENT) invitation.")


@strawberry.input(description="The invitation to revoke.")
class RevokeInvitationInput:
    id: strawberry.ID = strawberry.field(description="An open (SENT) invitation.")


@strawberry.input(description="The cloud account the vendor's sign-up creates on acceptance.")
class NewCloudAccountInput:
    account_name: str = strawberry.field(
        description="Account name: 3-100 letters, digits, '_', '.', '-'; unique."
    )
    contact_name: str = strawberry.field(description="Contact person.")
    contact_phone: str = strawberry.field(
        description="Contact phone (must be the registered contact's for a registration)."
    )
    contact_email: str = strawberry.field(description="Contact email.")
    company_name: str | None = strawberry.field(
        default=None, description="Company name; defaults to the invited company."
    )
    credit_code: str | None = strawberry.field(
        default=None, description="Unified social credit code."
    )
    industry: str | None = strawberry.field(default=None, description="Industry.")
    region: str | None = strawberry.field(default=None, description="Home region.")


@strawberry.input(
    description="Accept an invitation: a customer as its own account (no `newAccount`), or "
    "the vendor's sign-up (PLATFORM) for a new account."
)
class AcceptInvitationInput:
    token: str = strawberry.field(description="The token from the invitation link.")
    new_account: NewCloudAccountInput | None = strawberry.field(
        default=None, description="The account to create (PLATFORM sign-up only)."
    )


@strawberry.type(description="Result of `createInvitation`.")
class CreateInvitationPayload:
    invitation: Invitation | None = strawberry.field(
        description="The new invitation (null when refused)."
    )
    invitation_link: str | None = strawberry.field(
        description="The link (or QR payload) of an OFFLINE invitation. Shown this once: "
        "store it or resend for a new one. Null for ONLINE invitations (sent instead)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `resendInvitation`.")
class ResendInvitationPayload:
    invitation: Invitation | None = strawberry.field(
        description="The invitation with its new link's dates (null when refused)."
    )
    invitation_link: str | None = strawberry.field(
        description="The new link of an OFFLINE invitation, shown this once; the old one is dead."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `revokeInvitation`.")
class RevokeInvitationPayload:
    invitation: Invitation | None = strawberry.field(
        description="The revoked invitation (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `acceptInvitation`.")
class AcceptInvitationPayload:
    customer: CustomerRef | None = strawberry.field(
        description="The new association with the partner (null when refused)."
    )
    customer_token: str | None = strawberry.field(
        description="API token of a newly created cloud account (CUSTOMER), shown this once."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def create_invitation(
    info: strawberry.Info,
    input: Annotated[CreateInvitationInput, strawberry.argument(description="The invitation.")],
) -> CreateInvitationPayload:
    outcome, row, link = await resolvers.create_invitation(info.context, input)
    return CreateInvitationPayload(
        invitation=Invitation.from_row(row) if row is not None else None,
        invitation_link=link,
        user_errors=user_errors(outcome.errors),
    )


async def resend_invitation(
    info: strawberry.Info,
    input: Annotated[ResendInvitationInput, strawberry.argument(description="Which one.")],
) -> ResendInvitationPayload:
    outcome, row, link = await resolvers.resend_invitation(info.context, input)
    return ResendInvitationPayload(
        invitation=Invitation.from_row(row) if row is not None else None,
        invitation_link=link,
        user_errors=user_errors(outcome.errors),
    )


async def revoke_invitation(
    info: strawberry.Info,
    input: Annotated[RevokeInvitationInput, strawberry.argument(description="Which one.")],
) -> RevokeInvitationPayload:
    outcome = await resolvers.revoke_invitation(info.context, input)
    return RevokeInvitationPayload(
        invitation=Invitation.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


async def accept_invitation(
    info: strawberry.Info,
    input: Annotated[AcceptInvitationInput, strawberry.argument(description="Token and account.")],
) -> AcceptInvitationPayload:
    from app.schema.customers.customers import Customer

    outcome, row, token = await resolvers.accept_invitation(info.context, input)
    return AcceptInvitationPayload(
        customer=Customer.from_row(row) if row is not None else None,
        customer_token=token,
        user_errors=user_errors(outcome.errors),
    )
