"""Root fields of customer acquisition and the association lifecycle."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.lifecycle import association_changes as association_change_resolvers
from app.resolvers.lifecycle import authorizations as authorization_resolvers
from app.resolvers.lifecycle import company_registry as company_registry_resolvers
from app.resolvers.lifecycle import disassociation_requests as disassociation_request_resolvers
from app.resolvers.lifecycle import invitations as invitation_resolvers
from app.resolvers.lifecycle import notifications as notification_resolvers
from app.resolvers.lifecycle import registrations as registration_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.lifecycle import (
    association_changes,
    authorizations,
    company_registry,
    disassociation_requests,
    invitations,
    registrations,
)
from app.schema.lifecycle.association_changes import (
    AssociationChangeRequest,
    AssociationChangeRequestFilter,
)
from app.schema.lifecycle.authorizations import Authorization, AuthorizationFilter
from app.schema.lifecycle.company_registry import ReservedCompany
from app.schema.lifecycle.disassociation_requests import (
    DisassociationRequest,
    DisassociationRequestFilter,
)
from app.schema.lifecycle.invitations import Invitation, InvitationFilter, InvitationOrder
from app.schema.lifecycle.notifications import Notification, NotificationFilter
from app.schema.lifecycle.registrations import Registration, RegistrationFilter, RegistrationOrder


@strawberry.type(
    description="Read entry points: customer acquisition and the association lifecycle."
)
class Query:
    @strawberry.field(
        description="Registrations (报备): the partner's own; the platform sees all to review."
    )
    async def registrations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            RegistrationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            RegistrationOrder | None,
            strawberry.argument(description="Ordering; newest submission first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Registration]:
        page = await registration_resolvers.list_registrations(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Registration.from_row)

    @strawberry.field(description='Invitations ("invited customers") with their status.')
    async def invitations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            InvitationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            InvitationOrder | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Invitation]:
        page = await invitation_resolvers.list_invitations(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Invitation.from_row)

    @strawberry.field(
        description="Partner requests to disassociate customers or switch their type, newest "
        "first (a customer sees those addressed to it)."
    )
    async def association_change_requests(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AssociationChangeRequestFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AssociationChangeRequest]:
        page = await association_change_resolvers.list_association_changes(
            info.context, filter, first, after, last, before
        )
        return connection(page, AssociationChangeRequest.from_row)

    @strawberry.field(
        description="Customers' requests to disassociate, newest first (a customer sees its own)."
    )
    async def disassociation_requests(
        self,
        info: strawberry.Info,
        filter: Annotated[
            DisassociationRequestFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DisassociationRequest]:
        page = await disassociation_request_resolvers.list_disassociation_requests(
            info.context, filter, first, after, last, before
        )
        return connection(page, DisassociationRequest.from_row)

    @strawberry.field(description="Authorizations, newest request first (a customer sees its own).")
    async def authorizations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AuthorizationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Authorization]:
        page = await authorization_resolvers.list_authorizations(
            info.context, filter, first, after, last, before
        )
        return connection(page, Authorization.from_row)

    @strawberry.field(description="The notification outbox, newest first (PLATFORM only).")
    async def notifications(
        self,
        info: strawberry.Info,
        filter: Annotated[
            NotificationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Notification]:
        page = await notification_resolvers.list_notifications(
            info.context, filter, first, after, last, before
        )
        return connection(page, Notification.from_row)

    @strawberry.field(description="The vendor's reserved companies, by name (PLATFORM only).")
    async def reserved_companies(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ReservedCompany]:
        page = await company_registry_resolvers.list_reserved_companies(
            info.context, first, after, last, before
        )
        return connection(page, ReservedCompany.from_row)


@strawberry.type(description="Changes: customer acquisition and association lifecycle.")
class Mutation:
    submit_registration: registrations.SubmitRegistrationPayload = strawberry.mutation(
        resolver=registrations.submit_registration,
        description="Register a prospective customer (ADMIN, SALES; certified partners).",
    )
    update_registration: registrations.UpdateRegistrationPayload = strawberry.mutation(
        resolver=registrations.update_registration,
        description="Edit a registration pending review (ADMIN, SALES).",
    )
    withdraw_registration: registrations.WithdrawRegistrationPayload = strawberry.mutation(
        resolver=registrations.withdraw_registration,
        description=(
            "Withdraw a pending or approved registration (ADMIN, SALES); its open invitations die."
        ),
    )
    approve_registration: registrations.ApproveRegistrationPayload = strawberry.mutation(
        resolver=registrations.approve_registration,
        description="Approve a registration (PLATFORM); conflicts are checked again.",
    )
    reject_registration: registrations.RejectRegistrationPayload = strawberry.mutation(
        resolver=registrations.reject_registration,
        description="Reject a registration with a reason (PLATFORM).",
    )
    add_reserved_company: company_registry.AddReservedCompanyPayload = strawberry.mutation(
        resolver=company_registry.add_reserved_company,
        description="Reserve a company for the vendor (PLATFORM).",
    )
    remove_reserved_company: company_registry.RemoveReservedCompanyPayload = strawberry.mutation(
        resolver=company_registry.remove_reserved_company,
        description="Release a reserved company (PLATFORM).",
    )
    create_invitation: invitations.CreateInvitationPayload = strawberry.mutation(
        resolver=invitations.create_invitation,
        description=(
            "Invite a customer online (sent) or offline (link returned once) (ADMIN, SALES)."
        ),
    )
    resend_invitation: invitations.ResendInvitationPayload = strawberry.mutation(
        resolver=invitations.resend_invitation,
        description="Issue a new link for an open invitation; the old one dies (ADMIN, SALES).",
    )
    revoke_invitation: invitations.RevokeInvitationPayload = strawberry.mutation(
        resolver=invitations.revoke_invitation,
        description="Revoke an open invitation (ADMIN, SALES).",
    )
    accept_invitation: invitations.AcceptInvitationPayload = strawberry.mutation(
        resolver=invitations.accept_invitation,
        description=(
            "Accept an invitation: a customer as its own account, or the vendor's "
            "sign-up (PLATFORM) for a new one."
        ),
    )
    request_disassociation: association_changes.RequestDisassociationPayload = strawberry.mutation(
        resolver=association_changes.request_disassociation,
        description="Ask a customer to confirm ending its association (ADMIN).",
    )
    request_association_type_switch: association_changes.RequestAssociationTypeSwitchPayload = (
        strawberry.mutation(
            resolver=association_changes.request_association_type_switch,
            description="Ask a customer to confirm switching its association type (ADMIN).",
        )
    )
    confirm_association_change: association_changes.ConfirmAssociationChangePayload = (
        strawberry.mutation(
            resolver=association_changes.confirm_association_change,
            description="Confirm a partner's request; it takes effect now (CUSTOMER).",
        )
    )
    decline_association_change: association_changes.DeclineAssociationChangePayload = (
        strawberry.mutation(
            resolver=association_changes.decline_association_change,
            description="Decline a partner's request (CUSTOMER).",
        )
    )
    file_disassociation_request: disassociation_requests.FileDisassociationRequestPayload = (
        strawberry.mutation(
            resolver=disassociation_requests.file_disassociation_request,
            description="Ask the partner to end the association (CUSTOMER).",
        )
    )
    approve_disassociation_request: disassociation_requests.ApproveDisassociationRequestPayload = (
        strawberry.mutation(
            resolver=disassociation_requests.approve_disassociation_request,
            description="Approve a customer's disassociation request; it takes effect now (ADMIN).",
        )
    )
    reject_disassociation_request: disassociation_requests.RejectDisassociationRequestPayload = (
        strawberry.mutation(
            resolver=disassociation_requests.reject_disassociation_request,
            description="Reject a customer's disassociation request with a reason (ADMIN).",
        )
    )
    request_authorization: authorizations.RequestAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.request_authorization,
        description=(
            "Ask a RESELLER customer for PROXY_ORDER and/or OPERATIONS until an end (ADMIN, SALES)."
        ),
    )
    approve_authorization: authorizations.ApproveAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.approve_authorization,
        description="Grant a pending authorization (CUSTOMER).",
    )
    reject_authorization: authorizations.RejectAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.reject_authorization,
        description="Refuse a pending authorization (CUSTOMER).",
    )
    revoke_authorization: authorizations.RevokeAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.revoke_authorization,
        description="Revoke a pending or active authorization (the CUSTOMER, or ADMIN/SALES).",
    )
