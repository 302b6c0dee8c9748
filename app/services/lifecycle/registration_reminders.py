"""A partner is told, once, that an approved registration is about to lapse.

An approved registration reserves the company for `registration_validity_days`; the partner
must invite the customer within it, or the company is free again. The
`registrations.remind` job tells the partner `registration_expiry_notice_days` before the end
(a `REGISTRATION_EXPIRING` partner notification), once per registration: it stores when it
did (`expiry_reminded_at`, audited as the system principal). A registration approved with less
notice than that left is reminded at once; one that was withdrawn, associated or already
expired is not.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app import clock
from app.models import Registration
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.jobs import job
from app.services.partners.partner_notifications import notify
from app.settings import get_settings


@job("registrations.remind", every=timedelta(hours=1))
async def remind_expiring_registrations(ctx: ServiceContext) -> str:
    """Notify each partner of its approved registrations that lapse within the notice."""
    now = clock.now()
    notice = timedelta(days=get_settings().registration_expiry_notice_days)
    expiring = (
        await ctx.session.execute(
            select(
                Registration.id,
                Registration.partner_id,
                Registration.company_name,
                Registration.expires_at,
            )
            .where(
                Registration.status == RegistrationStatus.APPROVED,
                Registration.expires_at > now,
                Registration.expires_at <= now + notice,
                Registration.expiry_reminded_at.is_(None),
            )
            .order_by(Registration.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if expiring:
        await ctx.session.execute(
            update(Registration)
            .where(Registration.id.in_([row.id for row in expiring]))
            .values(expiry_reminded_at=now)
            .execution_options(synchronize_session=False)
        )
    await audit.record_each(
        ctx,
        "registration.remind",
        "Registration",
        [(row.id, row.partner_id) for row in expiring],
        after={"expiry_reminded_at": now},
    )
    for row in expiring:
        notify(
            ctx,
            row.partner_id,
            Kind.REGISTRATION_EXPIRING,
            ("Registration", row.id),
            companyName=row.company_name,
            expiresAt=row.expires_at,
        )
    return f"{len(expiring)} partners told of registrations about to expire"
