"""The platform certifies and renews partners; the `partners.certification` job stores the
lapse and tells partners ahead of it.

One mutation, `certify_partner`, with one reading: a partner whose certification is in force
is *renewed* from the current end (no day is lost), an expired one is *certified* from now;
either way for `certification_validity_months`. A certification in force may be renewed only
in its last `certification_renewal_window_days` (`RENEWAL_TOO_EARLY` before), so a retried or
doubled renewal cannot stack years; one without an end (legacy rows) has nothing to renew.
Whether a partner is certified is read by `partners.certification_status` alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app import clock
from app.clock import add_months
from app.models import Partner
from app.models.partners.enums import CertificationStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.jobs import job
from app.services.partners.partner_notifications import notify
from app.services.partners.partners import certification_status
from app.settings import get_settings

FIELD = ["partnerId"]


def _snapshot(partner: Partner) -> dict[str, Any]:
    return {
        "certification_status": partner.certification_status,
        "certification_expires_at": partner.certification_expires_at,
    }


def _key(partner_id: int | None) -> dict[str, Any]:
    return {"partner": partner_id}


async def _authorize(ctx: ServiceContext, partner_id: int | None) -> None:
    ctx.principal.require_platform()
    await resolve(ctx, Partner, partner_id, FIELD, "No such partner.")


def renewable_from(partner: Any) -> datetime | None:
    """When a certification in force may be renewed (None: no end, nothing to renew)."""
    end = partner.certification_expires_at
    if end is None:
        return None
    return end - timedelta(days=get_settings().certification_renewal_window_days)


@idempotent("certifyPartner", bind=_key, authorize=_authorize, ids=lambda pid: {"partner": pid})
async def certify_partner(ctx: ServiceContext, partner_id: int | None) -> int:
    """Certify an expired partner from now, or renew a certified one from its current end
    (PLATFORM)."""
    ctx.principal.require_platform()
    partner = None
    if partner_id is not None:
        partner = await ctx.session.scalar(
            select(Partner).where(Partner.id == partner_id).with_for_update()
        )
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such partner.", FIELD)
    now = clock.now()
    before = _snapshot(partner)
    if certification_status(partner) is CertificationStatus.CERTIFIED:
        opens = renewable_from(partner)
        if opens is None:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                "The certification has no end date; there is nothing to renew.",
                FIELD,
            )
        if now < opens:
            raise DomainError(
                ErrorCode.RENEWAL_TOO_EARLY,
                f"The certification runs until {partner.certification_expires_at:%Y-%m-%d %H:%M}"
                f" UTC; it can be renewed from {opens:%Y-%m-%d %H:%M} UTC.",
                FIELD,
            )
        start = partner.certification_expires_at
        assert start is not None
        action = "partner.renew_certification"
    else:
        start, action = now, "partner.certify"
    partner.certification_status = CertificationStatus.CERTIFIED
    partner.certification_expires_at = add_months(
        start, get_settings().certification_validity_months
    )
    partner.certification_reminded_at = None
    await ctx.session.flush()
    await audit.record(
        ctx,
        action,
        "Partner",
        partner.id,
        partner_id=partner.id,
        before=before,
        after={**_snapshot(partner), "valid_from": start},
    )
    notify(
        ctx,
        partner.id,
        Kind.CERTIFICATION_RENEWED,
        ("Partner", partner.id),
        expiresAt=partner.certification_expires_at,
    )
    return partner.id


async def _store_lapses(ctx: ServiceContext, now: datetime) -> int:
    lapsed = (
        await ctx.session.scalars(
            select(Partner)
            .where(
                Partner.certification_status == CertificationStatus.CERTIFIED,
                Partner.certification_expires_at.is_not(None),
                Partner.certification_expires_at <= now,
            )
            .order_by(Partner.id)
            .with_for_update()
        )
    ).all()
    for partner in lapsed:
        before = _snapshot(partner)
        partner.certification_status = CertificationStatus.EXPIRED
        await audit.record(
            ctx,
            "partner.certification_expire",
            "Partner",
            partner.id,
            partner_id=partner.id,
            before=before,
            after=_snapshot(partner),
        )
        notify(
            ctx,
            partner.id,
            Kind.CERTIFICATION_EXPIRED,
            ("Partner", partner.id),
            expiredAt=partner.certification_expires_at,
        )
    return len(lapsed)


async def _remind(ctx: ServiceContext, now: datetime) -> int:
    notice = timedelta(days=get_settings().certification_expiry_notice_days)
    expiring = (
        await ctx.session.scalars(
            select(Partner)
            .where(
                Partner.certification_status == CertificationStatus.CERTIFIED,
                Partner.certification_expires_at > now,
                Partner.certification_expires_at <= now + notice,
                Partner.certification_reminded_at.is_(None),
            )
            .order_by(Partner.id)
            .with_for_update()
        )
    ).all()
    for partner in expiring:
        partner.certification_reminded_at = now
        await audit.record(
            ctx,
            "partner.certification_remind",
            "Partner",
            partner.id,
            partner_id=partner.id,
            after={"certification_reminded_at": now},
        )
        notify(
            ctx,
            partner.id,
            Kind.CERTIFICATION_EXPIRING,
            ("Partner", partner.id),
            expiresAt=partner.certification_expires_at,
        )
    return len(expiring)


@job("partners.certification", every=timedelta(hours=1))
async def track_certifications(ctx: ServiceContext) -> str:
    """Store EXPIRED for certifications past their end (reads already say so) and tell each
    partner once, `certification_expiry_notice_days` ahead, that its certification ends."""
    now = clock.now()
    expired = await _store_lapses(ctx, now)
    reminded = await _remind(ctx, now)
    await ctx.session.flush()
    return f"{expired} certifications expired, {reminded} partners reminded"
