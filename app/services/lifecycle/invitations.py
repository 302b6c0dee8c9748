"""Invitations: a partner invites a customer to associate, online or offline.

Online, the system sends the link to the contact (a row in the notification outbox per email
or SMS); offline, the mutation hands the link to the partner once. Tokens are secrets: only
their SHA-256 is stored, no read returns them, and a resend replaces the hash so the old link
dies. SENT -> ACCEPTED | EXPIRED | REVOKED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select, update

from app import clock
from app.clock import add_days
from app.models import Invitation, Partner, Registration
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus, RegistrationStatus
from app.services.core import audit, lapse
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.jobs import job
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.scoping import visible
from app.services.lifecycle import registrations as registration_rules
from app.services.lifecycle.company_names import normalize_phone
from app.services.lifecycle.invitation_links import invitation_link, new_token, send_invitation
from app.services.lifecycle.registration_details import EMAIL
from app.services.partners.partners import require_certified
from app.settings import get_settings

# Every column but the token's hash: no read path even loads it.
COLUMNS = tuple(c for c in Invitation.__table__.columns if c.name != "token_hash")
LAPSING = (InvitationStatus.SENT,)


class InvitationOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    COMPANY_NAME = "COMPANY_NAME"


@dataclass(frozen=True, slots=True)
class InvitationFilter:
    statuses: tuple[InvitationStatus, ...] | None = None
    channel: InvitationChannel | None = None
    association_type: AssociationType | None = None
    registration_id: int | None = None
    company_name_contains: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class InvitationSpec:
    """What to invite; recipients default to the registration's contact."""

    channel: InvitationChannel
    association_type: AssociationType
    registration_id: int | None = None
    company_name: str | None = None
    contact_name: str | None = None
    recipient_email: str | None = None
    recipient_phone: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    """An invitation and, for an offline one, its link (returned this once, never again)."""

    invitation_id: int
    link: str | None


def effective_status(row: Any) -> InvitationStatus:
    return lapse.effective_status(row.status, row.expires_at, LAPSING, InvitationStatus.EXPIRED)


def _expiry(channel: InvitationChannel, registration: Registration | None) -> datetime | None:
    """The link's end: the channel's validity, never past the registration's."""
    settings = get_settings()
    days = (
        settings.invitation_online_validity_days
        if channel is InvitationChannel.ONLINE
        else settings.invitation_offline_validity_days
    )
    ends = add_days(clock.now(), days) if days is not None else None
    if registration is not None and registration.expires_at is not None:
        ends = registration.expires_at if ends is None else min(ends, registration.expires_at)
    return ends


async def _certified_partner(ctx: ServiceContext) -> Partner:
    partner = await ctx.session.get(Partner, ctx.principal.partner_id)
    require_certified(partner, "re-certify to invite customers")
    assert partner is not None
    return partner


def _validate(spec: InvitationSpec, registration: Registration | None) -> dict[str, str]:
    errors: list[DomainError] = []
    company = (spec.company_name or (registration.company_name if registration else "")).strip()
    contact = (spec.contact_name or (registration.contact_name if registration else "")).strip()
    email = (spec.recipient_email or "").strip()
    phone = (spec.recipient_phone or "").strip()
    if registration is not None and spec.channel is InvitationChannel.ONLINE:
        email = email or registration.contact_email
        phone = phone or registration.contact_phone
    if not company or len(company) > 200:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT, "A company name has 1-200 characters.", ["companyName"]
            )
        )
    if len(contact) > 100:
        errors.append(
            DomainError(ErrorCode.INVALID_INPUT, "At most 100 characters.", ["contactName"])
        )
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        errors.append(
            DomainError(ErrorCode.INVALID_INPUT, "Not an email address.", ["recipientEmail"])
        )
    if phone and (len(phone) > 32 or not 5 <= len(normalize_phone(phone)) <= 20):
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT, "A phone number has 5-20 digits.", ["recipientPhone"]
            )
        )
    if spec.channel is InvitationChannel.ONLINE and not (email or phone):
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                "An online invitation needs a recipient email or phone.",
                ["recipientEmail"],
            )
        )
    if errors:
        raise DomainErrors(errors)
    return {"company_name": company, "contact_name": contact, "email": email, "phone": phone}


async def _open_registration(ctx: ServiceContext, registration_id: int) -> Registration:
    registration = await ctx.session.scalar(
        select(Registration)
        .where(visible(ctx.principal, Registration), Registration.id == registration_id)
        .with_for_update()
    )
    if registration is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such registration.", ["registrationId"])
    status = registration_rules.effective_status(registration)
    if status is not RegistrationStatus.APPROVED:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Only an approved, valid registration can be invited; this one is {status.value}.",
            ["registrationId"],
        )
    return registration


def _snapshot(invitation: Invitation) -> dict[str, Any]:
    return {
        "status": invitation.status,
        "channel": invitation.channel,
        "association_type": invitation.association_type,
        "registration_id": invitation.registration_id,
        "company_name": invitation.company_name,
        "expires_at": invitation.expires_at,
        "send_count": invitation.send_count,
    }


async def create_invitation(ctx: ServiceContext, spec: InvitationSpec) -> IssuedInvitation:
    """Invite a customer (ADMIN, SALES); for a registration, it must be approved and valid."""
    ctx.principal.require(Permission.ACQUISITION)
    partner = await _certified_partner(ctx)
    registration = None
    if spec.registration_id is not None:
        registration = await _open_registration(ctx, spec.registration_id)
    values = _validate(spec, registration)
    raw, hashed = new_token()
    now = clock.now()
    invitation = Invitation(
        partner_id=partner.id,
        registration_id=registration.id if registration else None,
        created_by_id=ctx.principal.user_id,
        channel=spec.channel,
        association_type=spec.association_type,
        company_name=values["company_name"],
        contact_name=values["contact_name"],
        recipient_email=values["email"],
        recipient_phone=values["phone"],
        token_hash=hashed,
        status=InvitationStatus.SENT,
        created_at=now,
        sent_at=now,
        send_count=1,
        expires_at=_expiry(spec.channel, registration),
    )
    ctx.session.add(invitation)
    await ctx.session.flush()
    link = None
    if spec.channel is InvitationChannel.ONLINE:
        send_invitation(ctx, invitation, raw, partner)
    else:
        link = invitation_link(raw)
    await audit.record(
        ctx,
        "invitation.create",
        "Invitation",
        invitation.id,
        partner_id=partner.id,
        after=_snapshot(invitation),
    )
    return IssuedInvitation(invitation.id, link)


async def _load_open(ctx: ServiceContext, invitation_id: int | None) -> Invitation:
    """The open invitation, locked after its registration (the lock order of every writer)."""
    registration_id = None
    if invitation_id is not None:
        registration_id = await ctx.session.scalar(
            select(Invitation.registration_id).where(
                visible(ctx.principal, Invitation), Invitation.id == invitation_id
            )
        )
    if registration_id is not None:
        await ctx.session.execute(
            select(Registration.id).where(Registration.id == registration_id).with_for_update()
        )
    invitation = None
    if invitation_id is not None:
        invitation = await ctx.session.scalar(
            select(Invitation)
            .where(visible(ctx.principal, Invitation), Invitation.id == invitation_id)
            .with_for_update()
        )
    if invitation is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such invitation.", ["id"])
    status = effective_status(invitation)
    if status is InvitationStatus.EXPIRED:
        raise DomainError(ErrorCode.INVITATION_EXPIRED, "The invitation has expired.", ["id"])
    if status is not InvitationStatus.SENT:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The invitation is already {status.value}.", ["id"]
        )
    return invitation


async def resend_invitation(ctx: ServiceContext, invitation_id: int | None) -> IssuedInvitation:
    """Issue a new token for an open invitation (the old link dies) and send it again."""
    ctx.principal.require(Permission.ACQUISITION)
    partner = await _certified_partner(ctx)
    invitation = await _load_open(ctx, invitation_id)
    registration = None
    if invitation.registration_id is not None:
        registration = await _open_registration(ctx, invitation.registration_id)
    before = _snapshot(invitation)
    raw, invitation.token_hash = new_token()
    invitation.sent_at = clock.now()
    invitation.send_count += 1
    invitation.expires_at = _expiry(invitation.channel, registration)
    await ctx.session.flush()
    link = None
    if invitation.channel is InvitationChannel.ONLINE:
        send_invitation(ctx, invitation, raw, partner)
    else:
        link = invitation_link(raw)
    await audit.record(
        ctx,
        "invitation.resend",
        "Invitation",
        invitation.id,
        partner_id=invitation.partner_id,
        before=before,
        after=_snapshot(invitation),
    )
    return IssuedInvitation(invitation.id, link)


async def revoke_invitation(ctx: ServiceContext, invitation_id: int | None) -> int:
    """Kill an open invitation's link (ADMIN, SALES)."""
    ctx.principal.require(Permission.ACQUISITION)
    invitation = await _load_open(ctx, invitation_id)
    before = _snapshot(invitation)
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = clock.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        "invitation.revoke",
        "Invitation",
        invitation.id,
        partner_id=invitation.partner_id,
        before=before,
        after=_snapshot(invitation),
    )
    return invitation.id


def _filtered(ctx: ServiceContext, f: InvitationFilter) -> Select[Any]:
    stmt = select(*COLUMNS).where(visible(ctx.principal, Invitation))
    if f.statuses:
        stmt = stmt.where(
            lapse.status_condition(
                Invitation.status,
                Invitation.expires_at,
                LAPSING,
                InvitationStatus.EXPIRED,
                f.statuses,
            )
        )
    if f.channel is not None:
        stmt = stmt.where(Invitation.channel == f.channel)
    if f.association_type is not None:
        stmt = stmt.where(Invitation.association_type == f.association_type)
    if f.registration_id is not None:
        stmt = stmt.where(Invitation.registration_id == f.registration_id)
    if f.company_name_contains:
        stmt = stmt.where(
            Invitation.company_name.icontains(f.company_name_contains, autoescape=True)
        )
    if f.created_from is not None:
        stmt = stmt.where(Invitation.created_at >= f.created_from)
    if f.created_to is not None:
        stmt = stmt.where(Invitation.created_at < f.created_to)
    return stmt


async def list_invitations(
    ctx: ServiceContext,
    f: InvitationFilter,
    order_field: InvitationOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """ "Invited customers": the partner's invitations with their status, one page."""
    ctx.principal.require_partner_read()
    if order_field is InvitationOrderField.COMPANY_NAME:
        column, key = Invitation.company_name, "company_name"
    else:
        column, key = Invitation.created_at, "created_at"
    ordering = Ordering(order_field.value, column, Invitation.id, direction)
    return await fetch_page(
        ctx.session, _filtered(ctx, f), ordering, page, lambda r: getattr(r, key)
    )


async def get_invitations(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COLUMNS).where(visible(ctx.principal, Invitation), Invitation.id.in_(ids))
    )
    return {row.id: row for row in rows}


@job("invitations.expire", every=timedelta(minutes=5))
async def expire_invitations(ctx: ServiceContext) -> str:
    """Open invitations past their link's end become EXPIRED."""
    expired = await ctx.session.execute(
        update(Invitation)
        .where(Invitation.status == InvitationStatus.SENT, Invitation.expires_at <= clock.now())
        .values(status=InvitationStatus.EXPIRED)
        .returning(Invitation.id, Invitation.partner_id)
        .execution_options(synchronize_session=False)
    )
    count = await audit.record_each(
        ctx,
        "invitation.expire",
        "Invitation",
        expired.all(),
        before={"status": InvitationStatus.SENT},
        after={"status": InvitationStatus.EXPIRED},
    )
    return f"{count} invitations expired"
