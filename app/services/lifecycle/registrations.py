"""Registrations (报备): a partner reserves a prospective customer; the platform reviews it.

PENDING_REVIEW -> APPROVED | REJECTED | WITHDRAWN; APPROVED -> ASSOCIATED | EXPIRED | WITHDRAWN.
An approved registration lapses `registration_validity_days` after approval: reads show it
EXPIRED at once, the `registrations.expire` job stores it later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, true, tuple_, update

from app import clock
from app.clock import add_days
from app.models import Invitation, Partner, Registration, RegistrationClaim
from app.models.lifecycle.enums import InvitationStatus, RegistrationStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.services.core import audit, lapse
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.jobs import job
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.reasons import check_reason
from app.services.core.scoping import find_visible, visible
from app.services.lifecycle.company_registry import (
    CompanyKey,
    conflict_error,
    is_company_taken,
    lock_company,
)
from app.services.lifecycle.registration_details import RegistrationDetails, clean_details
from app.services.partners.partner_notifications import notify
from app.services.partners.partners import require_certified
from app.settings import get_settings

COLUMNS = tuple(Registration.__table__.columns)
LAPSING = (RegistrationStatus.APPROVED,)


class RegistrationOrderField(StrEnum):
    SUBMITTED_AT = "SUBMITTED_AT"
    COMPANY_NAME = "COMPANY_NAME"


@dataclass(frozen=True, slots=True)
class RegistrationFilter:
    statuses: tuple[RegistrationStatus, ...] | None = None
    name_contains: str | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    partner_id: int | None = None


def effective_status(row: Any) -> RegistrationStatus:
    """The status as of now: an approved registration past its validity reads EXPIRED."""
    return lapse.effective_status(row.status, row.expires_at, LAPSING, RegistrationStatus.EXPIRED)


def _snapshot(registration: Registration) -> dict[str, Any]:
    keys = [f.name for f in fields(RegistrationDetails)] + ["status", "expires_at"]
    return {key: getattr(registration, key) for key in keys}


REVIEW = Decidable(
    "Registration",
    decided_at=("reviewed_at", "updated_at"),
    reason="rejection_reason",
    snapshot=_snapshot,
)


async def _load(ctx: ServiceContext, registration_id: int | None) -> Registration:
    return await find_visible(
        ctx, Registration, registration_id, "No such registration.", lock=True
    )


async def _check_limit(ctx: ServiceContext, partner_id: int) -> None:
    now = clock.now()
    held = await ctx.session.scalar(
        select(func.count()).where(
            Registration.partner_id == partner_id,
            or_(
                Registration.status == RegistrationStatus.PENDING_REVIEW,
                and_(
                    Registration.status == RegistrationStatus.APPROVED,
                    Registration.expires_at > now,
                ),
            ),
        )
    )
    limit = get_settings().max_open_registrations
    if (held or 0) >= limit:
        raise DomainError(
            ErrorCode.REGISTRATION_LIMIT_REACHED,
            f"A partner may hold at most {limit} pending or valid registrations.",
            [],
        )


async def submit_registration(ctx: ServiceContext, details: RegistrationDetails) -> int:
    """Register a prospective customer (ADMIN, SALES): pending the platform's review."""
    ctx.principal.require(Permission.ACQUISITION)
    values = clean_details(details, required=True)
    # The partner row lock serializes this partner's submissions, so the cap holds.
    partner = await ctx.session.scalar(
        select(Partner).where(Partner.id == ctx.principal.partner_id).with_for_update()
    )
    require_certified(partner, "re-certify to register customers")
    assert partner is not None
    await _check_limit(ctx, partner.id)
    key = CompanyKey(values["normalized_name"], values.get("credit_code"))
    await lock_company(ctx, key)
    if await is_company_taken(ctx, key):
        raise conflict_error(["companyName"])
    now = clock.now()
    registration = Registration(
        partner_id=partner.id,
        submitted_by_id=ctx.principal.user_id,
        status=RegistrationStatus.PENDING_REVIEW,
        submitted_at=now,
        updated_at=now,
        **values,
    )
    ctx.session.add(registration)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "registration.submit",
        "Registration",
        registration.id,
        partner_id=partner.id,
        after=_snapshot(registration),
    )
    return registration.id


async def update_registration(
    ctx: ServiceContext, registration_id: int | None, details: RegistrationDetails
) -> int:
    """Edit a registration while it awaits review (ADMIN, SALES); conflicts are re-checked."""
    ctx.principal.require(Permission.ACQUISITION)
    values = clean_details(details, required=False)
    if not values:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give at least one field to change.", [])
    registration = await _load(ctx, registration_id)
    if registration.status is not RegistrationStatus.PENDING_REVIEW:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only a registration pending review can be edited.", ["id"]
        )
    before = _snapshot(registration)
    name = values.get("normalized_name", registration.normalized_name)
    code = values.get("credit_code", registration.credit_code)
    if (name, code) != (registration.normalized_name, registration.credit_code):
        key = CompanyKey(name, code)
        await lock_company(ctx, key)
        if await is_company_taken(ctx, key, exclude_registration_id=registration.id):
            raise conflict_error(["companyName"])
    for attr, value in values.items():
        setattr(registration, attr, value)
    registration.updated_at = clock.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        "registration.update",
        "Registration",
        registration.id,
        partner_id=registration.partner_id,
        before=before,
        after=_snapshot(registration),
    )
    return registration.id


async def end_open_invitations(
    ctx: ServiceContext,
    registration_ids: Any,
    status: InvitationStatus,
    *,
    partner_id: int | None = None,
) -> None:
    """Invitations still open under these registrations die with them (the caller holds the
    registrations' locks: registrations are locked before their invitations). A partner's
    own registrations name it (`partner_id`); only the expiry sweep, across partners, doesn't."""
    values: dict[str, Any] = {"status": status}
    if status is InvitationStatus.REVOKED:
        values["revoked_at"] = clock.now()
    partner = true() if partner_id is None else Invitation.partner_id == partner_id
    await ctx.session.execute(
        update(Invitation)
        .where(
            partner,
            Invitation.registration_id.in_(registration_ids),
            Invitation.status == InvitationStatus.SENT,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def withdraw_registration(ctx: ServiceContext, registration_id: int | None) -> int:
    """Give a company up (ADMIN, SALES): pending or valid only; its open invitations die."""
    ctx.principal.require(Permission.ACQUISITION)
    registration = await _load(ctx, registration_id)
    status = effective_status(registration)
    if status not in (RegistrationStatus.PENDING_REVIEW, RegistrationStatus.APPROVED):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"A registration that is {status.value} cannot be withdrawn.",
            ["id"],
        )
    before = _snapshot(registration)
    registration.status = RegistrationStatus.WITHDRAWN
    registration.withdrawn_at = registration.updated_at = clock.now()
    await end_open_invitations(
        ctx, [registration.id], InvitationStatus.REVOKED, partner_id=registration.partner_id
    )
    await ctx.session.flush()
    await audit.record(
        ctx,
        "registration.withdraw",
        "Registration",
        registration.id,
        partner_id=registration.partner_id,
        before=before,
        after=_snapshot(registration),
    )
    return registration.id


async def _review(ctx: ServiceContext, registration_id: int | None) -> Registration:
    ctx.principal.require_platform()
    registration = await _load(ctx, registration_id)
    if registration.status is not RegistrationStatus.PENDING_REVIEW:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only a registration pending review can be reviewed.", ["id"]
        )
    return registration


async def approve_registration(ctx: ServiceContext, registration_id: int | None) -> int:
    """Approve (PLATFORM): conflicts are checked again; valid for the configured days."""
    registration = await _review(ctx, registration_id)
    key = CompanyKey(registration.normalized_name, registration.credit_code)
    await lock_company(ctx, key)
    if await is_company_taken(ctx, key, exclude_registration_id=registration.id):
        raise conflict_error()
    now = clock.now()
    await decide(
        ctx,
        REVIEW,
        registration,
        RegistrationStatus.APPROVED,
        action="registration.approve",
        changes={"expires_at": add_days(now, get_settings().registration_validity_days)},
        at=now,
    )
    _notify(ctx, registration, Kind.REGISTRATION_APPROVED, expiresAt=registration.expires_at)
    return registration.id


async def reject_registration(ctx: ServiceContext, registration_id: int | None, reason: str) -> int:
    """Reject (PLATFORM) with a reason the partner sees."""
    reason = check_reason(reason)
    registration = await _review(ctx, registration_id)
    await decide(
        ctx,
        REVIEW,
        registration,
        RegistrationStatus.REJECTED,
        action="registration.reject",
        reason=reason,
        after={"rejection_reason": reason},
    )
    _notify(ctx, registration, Kind.REGISTRATION_REJECTED, reason=reason)
    return registration.id


def _notify(ctx: ServiceContext, registration: Any, kind: Kind, **details: Any) -> None:
    subject = ("Registration", registration.id)
    name = registration.company_name
    notify(ctx, registration.partner_id, kind, subject, companyName=name, **details)


def _filtered(ctx: ServiceContext, f: RegistrationFilter) -> Select[Any]:
    stmt = select(*COLUMNS).where(visible(ctx.principal, Registration))
    if f.statuses:
        stmt = stmt.where(
            lapse.status_condition(
                Registration.status,
                Registration.expires_at,
                LAPSING,
                RegistrationStatus.EXPIRED,
                f.statuses,
            )
        )
    if f.name_contains:
        stmt = stmt.where(Registration.company_name.icontains(f.name_contains, autoescape=True))
    if f.submitted_from is not None:
        stmt = stmt.where(Registration.submitted_at >= f.submitted_from)
    if f.submitted_to is not None:
        stmt = stmt.where(Registration.submitted_at < f.submitted_to)
    if f.partner_id is not None:
        stmt = stmt.where(Registration.partner_id == f.partner_id)
    return stmt


async def list_registrations(
    ctx: ServiceContext,
    f: RegistrationFilter,
    order_field: RegistrationOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """Registrations the caller may see (its partner's; the platform: all), one page."""
    ctx.principal.require_partner_read()
    if order_field is RegistrationOrderField.COMPANY_NAME:
        ordering = Ordering(
            order_field.value, Registration.company_name, Registration.id, direction
        )
        key = "company_name"
    else:
        ordering = Ordering(
            order_field.value, Registration.submitted_at, Registration.id, direction
        )
        key = "submitted_at"
    return await fetch_page(
        ctx.session, _filtered(ctx, f), ordering, page, lambda r: getattr(r, key)
    )


async def get_registrations(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COLUMNS).where(visible(ctx.principal, Registration), Registration.id.in_(ids))
    )
    return {row.id: row for row in rows}


@job("registrations.expire", every=timedelta(minutes=5))
async def expire_registrations(ctx: ServiceContext) -> str:
    """Approved registrations past their validity become EXPIRED; their invitations die."""
    now = clock.now()
    lapsed = (
        await ctx.session.execute(
            select(Registration.id, Registration.partner_id, Registration.company_name)
            .where(
                Registration.status == RegistrationStatus.APPROVED,
                Registration.expires_at <= now,
            )
            .order_by(Registration.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    ids = [row.id for row in lapsed]
    if ids:
        # Registrations first, then their invitations: the lock order of every writer.
        await ctx.session.execute(
            update(Registration)
            .where(Registration.id.in_(ids))
            .values(status=RegistrationStatus.EXPIRED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        # A bulk update bypasses the flush that keeps the claims in step: drop them here.
        await ctx.session.execute(
            delete(RegistrationClaim).where(
                tuple_(RegistrationClaim.partner_id, RegistrationClaim.registration_id).in_(
                    [(row.partner_id, row.id) for row in lapsed]
                )
            )
        )
        await end_open_invitations(ctx, ids, InvitationStatus.EXPIRED)
    await audit.record_each(
        ctx,
        "registration.expire",
        "Registration",
        [(row.id, row.partner_id) for row in lapsed],
        before={"status": RegistrationStatus.APPROVED},
        after={"status": RegistrationStatus.EXPIRED},
    )
    for row in lapsed:
        _notify(ctx, row, Kind.REGISTRATION_EXPIRED)
    return f"{len(lapsed)} registrations expired"
