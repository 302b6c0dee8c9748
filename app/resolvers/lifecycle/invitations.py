"""Resolvers of invitations: create, resend, revoke, accept, and the "invited customers" list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load, run_mutation
from app.resolvers.core.reload import reload
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.lifecycle import invitation_acceptance
from app.services.lifecycle import invitations as service
from app.services.lifecycle.invitation_acceptance import NewAccount
from app.services.lifecycle.invitations import (
    InvitationFilter,
    InvitationOrderField,
    InvitationSpec,
)

if TYPE_CHECKING:
    from app.schema.lifecycle.invitations import (
        AcceptInvitationInput,
        CreateInvitationInput,
        InvitationFilterInput,
        InvitationOrder,
        ResendInvitationInput,
        RevokeInvitationInput,
    )


def to_filter(value: InvitationFilterInput | None) -> InvitationFilter:
    if value is None:
        return InvitationFilter()
    between = value.created_between
    return InvitationFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        channel=value.channel,
        association_type=value.association_type,
        registration_id=require_id(value.registration_id, "Registration", "registrationId")
        if value.registration_id is not None
        else None,
        company_name_contains=value.company_name_contains,
        created_from=between.from_ if between else None,
        created_to=between.to if between else None,
    )


async def list_invitations(
    ctx: RequestContext,
    filter: InvitationFilterInput | None,
    order_by: InvitationOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field = order_by.field if order_by else InvitationOrderField.CREATED_AT
    direction = order_by.direction if order_by else Direction.DESC
    result = await service.list_invitations(ctx.service, to_filter(filter), field, direction, page)
    ctx.loaders.invitation.prime_many(result.rows)
    return result


async def _issued(ctx: RequestContext, outcome: Outcome[Any]) -> tuple[Any, str | None]:
    """(the invitation re-read, its one-time link) of a create/resend outcome."""
    if outcome.value is None:
        return None, None
    issued = outcome.value
    return await reload(ctx.loaders.invitation, issued.invitation_id), issued.link


async def create_invitation(
    ctx: RequestContext, input: CreateInvitationInput
) -> tuple[Outcome[Any], Any, str | None]:
    spec = InvitationSpec(
        channel=input.channel,
        association_type=input.association_type,
        registration_id=parse_optional_id(input.registration_id, "Registration"),
        company_name=input.company_name,
        contact_name=input.contact_name,
        recipient_email=input.recipient_email,
        recipient_phone=input.recipient_phone,
    )
    outcome = await run_mutation(ctx, lambda: service.create_invitation(ctx.service, spec))
    return (outcome, *await _issued(ctx, outcome))


async def resend_invitation(
    ctx: RequestContext, input: ResendInvitationInput
) -> tuple[Outcome[Any], Any, str | None]:
    invitation_id = parse_id(input.id, "Invitation")
    outcome = await run_mutation(ctx, lambda: service.resend_invitation(ctx.service, invitation_id))
    return (outcome, *await _issued(ctx, outcome))


async def revoke_invitation(ctx: RequestContext, input: RevokeInvitationInput) -> Outcome[Any]:
    invitation_id = parse_id(input.id, "Invitation")
    return await run_and_load(
        ctx,
        lambda: service.revoke_invitation(ctx.service, invitation_id),
        ctx.loaders.invitation,
    )


async def accept_invitation(
    ctx: RequestContext, input: AcceptInvitationInput
) -> tuple[Outcome[Any], Any, str | None]:
    account = input.new_account
    new_account = (
        NewAccount(
            account_name=account.account_name,
            contact_name=account.contact_name,
            contact_phone=account.contact_phone,
            contact_email=account.contact_email,
            company_name=account.company_name,
            credit_code=account.credit_code,
            industry=account.industry or "",
            region=account.region or "",
        )
        if account is not None
        else None
    )
    outcome = await run_mutation(
        ctx,
        lambda: invitation_acceptance.accept_invitation(ctx.service, input.token, new_account),
    )
    if outcome.value is None:
        return outcome, None, None
    customer = await ctx.loaders.customer.load(outcome.value.customer_id)
    return outcome, customer, outcome.value.customer_token
