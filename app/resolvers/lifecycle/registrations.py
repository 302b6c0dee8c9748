"""Resolvers of registrations: GraphQL arguments in, service calls and loader reads out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_and_load
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.lifecycle import registrations as service
from app.services.lifecycle.registration_details import RegistrationDetails
from app.services.lifecycle.registrations import RegistrationFilter, RegistrationOrderField

if TYPE_CHECKING:
    from app.schema.lifecycle.registrations import (
        ApproveRegistrationInput,
        RegistrationFilterInput,
        RegistrationOrder,
        RejectRegistrationInput,
        SubmitRegistrationInput,
        UpdateRegistrationInput,
        WithdrawRegistrationInput,
    )


def to_filter(value: RegistrationFilterInput | None) -> RegistrationFilter:
    if value is None:
        return RegistrationFilter()
    between = value.submitted_between
    return RegistrationFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        name_contains=value.name_contains,
        submitted_from=between.from_ if between else None,
        submitted_to=between.to if between else None,
        partner_id=require_id(value.partner_id, "Partner", "partnerId")
        if value.partner_id is not None
        else None,
    )


async def list_registrations(
    ctx: RequestContext,
    filter: RegistrationFilterInput | None,
    order_by: RegistrationOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field = order_by.field if order_by else RegistrationOrderField.SUBMITTED_AT
    direction = order_by.direction if order_by else Direction.DESC
    result = await service.list_registrations(
        ctx.service, to_filter(filter), field, direction, page
    )
    ctx.loaders.registration.prime_many(result.rows)
    return result


async def load_registration(ctx: RequestContext, registration_id: int | None) -> Any:
    return None if registration_id is None else await ctx.loaders.registration.load(registration_id)


def _details(input: Any) -> RegistrationDetails:
    return RegistrationDetails(
        company_name=input.company_name,
        credit_code=input.credit_code,
        contact_name=input.contact_name,
        contact_email=input.contact_email,
        contact_phone=input.contact_phone,
        industry=input.industry,
        region=input.region,
        expected_monthly_spend=input.expected_monthly_spend,
        note=input.note,
    )


async def submit_registration(ctx: RequestContext, input: SubmitRegistrationInput) -> Outcome[Any]:
    details = _details(input)
    return await run_and_load(
        ctx, lambda: service.submit_registration(ctx.service, details), ctx.loaders.registration
    )


async def update_registration(ctx: RequestContext, input: UpdateRegistrationInput) -> Outcome[Any]:
    registration_id = parse_id(input.id, "Registration")
    details = _details(input)
    return await run_and_load(
        ctx,
        lambda: service.update_registration(ctx.service, registration_id, details),
        ctx.loaders.registration,
    )


async def withdraw_registration(
    ctx: RequestContext, input: WithdrawRegistrationInput
) -> Outcome[Any]:
    registration_id = parse_id(input.id, "Registration")
    return await run_and_load(
        ctx,
        lambda: service.withdraw_registration(ctx.service, registration_id),
        ctx.loaders.registration,
    )


async def approve_registration(
    ctx: RequestContext, input: ApproveRegistrationInput
) -> Outcome[Any]:
    registration_id = parse_id(input.id, "Registration")
    return await run_and_load(
        ctx,
        lambda: service.approve_registration(ctx.service, registration_id),
        ctx.loaders.registration,
    )


async def reject_registration(ctx: RequestContext, input: RejectRegistrationInput) -> Outcome[Any]:
    registration_id = parse_id(input.id, "Registration")
    return await run_and_load(
        ctx,
        lambda: service.reject_registration(ctx.service, registration_id, input.reason),
        ctx.loaders.registration,
    )
