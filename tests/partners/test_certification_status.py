"""certificationStatus reads EXPIRED on time; the `partners.certification` job stores it, audits
it and tells the partner (and warns it once ahead); one function decides for every rule."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.models import AuditEvent, PartnerNotification
from app.models.partners.enums import CertificationStatus, PartnerNotificationKind, Role
from app.services.core.context import ServiceContext
from app.services.core.jobs import load_registry
from app.services.core.principal import Principal
from tests.factories import gql, make_partner, make_user, token_for

ROOT = Path(__file__).resolve().parents[2]
VIEWER = "{ viewer { partner { certificationStatus isCertified certificationExpiresAt } } }"


async def _run_job(session) -> str:
    ctx = ServiceContext(session, Principal.system(), request_id="job:partners.certification")
    result = await load_registry()["partners.certification"].run(ctx)
    await session.flush()
    return result


async def _notices(session, partner) -> list[PartnerNotificationKind]:
    rows = await session.scalars(
        select(PartnerNotification.kind)
        .where(PartnerNotification.partner_id == partner.id)
        .order_by(PartnerNotification.id)
    )
    return list(rows)


async def test_the_status_reads_expired_as_soon_as_the_validity_passes(
    client, session, frozen_clock
):
    # given a certification ending in one minute, read by the partner's VIEWER
    partner = await make_partner(
        session, certification_expires_at=frozen_clock.now() + timedelta(minutes=1)
    )
    token = await token_for(session, await make_user(session, partner, Role.VIEWER))
    before = await gql(client, VIEWER, token=token)
    assert before["data"]["viewer"]["partner"]["certificationStatus"] == "CERTIFIED"

    # when the end passes (no job has run)
    frozen_clock.advance(timedelta(minutes=1))

    # then
    after = (await gql(client, VIEWER, token=token))["data"]["viewer"]["partner"]
    assert after["certificationStatus"] == "EXPIRED"
    assert after["isCertified"] is False


async def test_the_job_stores_the_lapse_audits_it_and_tells_the_partner(session, frozen_clock):
    lapsed = await make_partner(
        session, certification_expires_at=frozen_clock.now() - timedelta(seconds=1)
    )
    in_force = await make_partner(
        session, certification_expires_at=frozen_clock.now() + timedelta(days=200)
    )

    result = await _run_job(session)
    again = await _run_job(session)

    await session.refresh(lapsed)
    await session.refresh(in_force)
    assert lapsed.certification_status is CertificationStatus.EXPIRED
    assert in_force.certification_status is CertificationStatus.CERTIFIED
    assert result.startswith("1 certifications expired")
    assert again.startswith("0 certifications expired")
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "partner.certification_expire", AuditEvent.object_id == lapsed.id
        )
    )
    assert event is not None and event.after["certification_status"] == "EXPIRED"
    assert await _notices(session, lapsed) == [PartnerNotificationKind.CERTIFICATION_EXPIRED]
    assert await _notices(session, in_force) == []


async def test_the_partner_is_warned_once_before_the_end(session, frozen_clock, settings):
    # given certifications ending in 29 and 31 days (the notice is 30 days ahead)
    soon = await make_partner(
        session, certification_expires_at=frozen_clock.now() + timedelta(days=29)
    )
    later = await make_partner(
        session, certification_expires_at=frozen_clock.now() + timedelta(days=31)
    )
    assert settings.certification_expiry_notice_days == 30

    # when the job runs now and again two days later
    await _run_job(session)
    frozen_clock.advance(timedelta(days=2))
    await _run_job(session)

    # then each is warned once, when it came within 30 days
    assert await _notices(session, soon) == [PartnerNotificationKind.CERTIFICATION_EXPIRING]
    assert await _notices(session, later) == [PartnerNotificationKind.CERTIFICATION_EXPIRING]
    reminded = await session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "partner.certification_remind")
    )
    assert sorted(reminded) == sorted([soon.id, later.id])


async def test_an_expired_partner_can_still_read(client, session, frozen_clock):
    partner = await make_partner(
        session,
        certification_status=CertificationStatus.EXPIRED,
        certification_expires_at=frozen_clock.now() - timedelta(days=3),
    )
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    body = await gql(client, "{ customers(first: 5) { totalCount } }", token=token)

    assert body["data"]["customers"]["totalCount"] == 0


def test_only_the_partners_domain_reads_the_stored_certification():
    # every rule that needs a certification calls `require_certified` / `is_certified`, which
    # read `certification_status`; no other service reads the stored columns itself
    readers = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "app" / "services").rglob("*.py")
        if re.search(r"certification_(status|expires_at)\b", path.read_text())
    }
    assert readers == {
        "app/services/partners/partners.py",
        "app/services/partners/certification.py",
    }
    guarded = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "app" / "services").rglob("*.py")
        if "require_certified(" in path.read_text()
    }
    assert guarded >= {
        "app/services/funds/adjustments.py",
        "app/services/lifecycle/invitations.py",
        "app/services/lifecycle/registrations.py",
        "app/services/orders/orders.py",
        "app/services/orders/payments.py",
    }
