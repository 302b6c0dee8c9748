"""registrations.remind: a partner is told once, `registration_expiry_notice_days` (3) before
an approved registration lapses, to invite the customer; not earlier, not twice, never for a
registration that is no longer approved or already lapsed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import AuditEvent, PartnerNotification, Registration
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.models.partners.enums import PrincipalKind
from app.services.core.context import ServiceContext
from app.services.core.jobs import load_registry
from app.services.core.principal import Principal
from tests.factories import make_partner
from tests.lifecycle.factories import make_registration


async def _remind(session) -> str:
    ctx = ServiceContext(session, Principal.system(), request_id="job:registrations.remind")
    message = await load_registry()["registrations.remind"].run(ctx)
    await session.flush()
    return message


async def _told(session, partner) -> list[PartnerNotification]:
    rows = await session.scalars(
        select(PartnerNotification).where(
            PartnerNotification.partner_id == partner.id,
            PartnerNotification.kind == Kind.REGISTRATION_EXPIRING,
        )
    )
    return list(rows)


async def test_the_partner_is_told_once_within_the_notice(session, frozen_clock):
    # given an approved registration lapsing in 4 days, and another partner's in 2 days
    partner, other = await make_partner(session), await make_partner(session)
    ends = frozen_clock.now() + timedelta(days=4)
    registration = await make_registration(
        session,
        partner,
        company_name="Soon Co",
        status=RegistrationStatus.APPROVED,
        expires_at=ends,
    )
    await make_registration(
        session,
        other,
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() + timedelta(days=2),
    )

    # when the job runs 4 days before: outside the 3-day notice, nothing for this partner
    await _remind(session)
    assert await _told(session, partner) == []
    assert len(await _told(session, other)) == 1

    # when it runs within the notice, twice
    frozen_clock.set(ends - timedelta(days=3))
    await _remind(session)
    await _remind(session)

    # then the partner is told once, with the company and the end
    (told,) = await _told(session, partner)
    assert told.subject_type == "Registration" and told.subject_id == registration.id
    assert told.payload["companyName"] == "Soon Co"
    assert told.payload["expiresAt"].startswith(ends.date().isoformat())
    reminded = await session.scalar(
        select(Registration.expiry_reminded_at).where(Registration.id == registration.id)
    )
    assert reminded == ends - timedelta(days=3)
    events = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "registration.remind",
                AuditEvent.object_id == registration.id,
            )
        )
    ).all()
    assert [e.principal_kind for e in events] == [PrincipalKind.PLATFORM]


async def test_no_reminder_for_what_is_no_longer_approved_or_already_lapsed(session, frozen_clock):
    partner = await make_partner(session)
    soon = frozen_clock.now() + timedelta(days=1)
    for status in (
        RegistrationStatus.PENDING_REVIEW,
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.ASSOCIATED,
        RegistrationStatus.EXPIRED,
    ):
        await make_registration(session, partner, status=status, expires_at=soon)
    await make_registration(
        session,
        partner,
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() - timedelta(minutes=1),
    )

    assert await _remind(session) == "0 partners told of registrations about to expire"
    assert await _told(session, partner) == []


async def test_the_notice_is_a_setting(session, frozen_clock, monkeypatch):
    from app.settings import get_settings

    monkeypatch.setattr(get_settings(), "registration_expiry_notice_days", 10)
    partner = await make_partner(session)
    await make_registration(
        session,
        partner,
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() + timedelta(days=9),
    )
    await _remind(session)
    assert len(await _told(session, partner)) == 1
