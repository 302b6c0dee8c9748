"""The shared pending -> decided step: what it stamps, what it audits, what it refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.models import AuditEvent, Registration
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import Role
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.scoping import find_visible
from tests.factories import make_partner, make_user
from tests.funds.helpers import acting_as, platform

KIND = Decidable(
    "Registration",
    decided_at=("reviewed_at", "updated_at"),
    reason="rejection_reason",
    snapshot=lambda row: {"status": row.status, "note": row.note},
)


async def pending_registration(session, partner, user):
    now = clock.now()
    row = Registration(
        partner_id=partner.id,
        submitted_by_id=user.id,
        company_name="Acme",
        normalized_name="acme",
        contact_name="A",
        contact_email="a@acme.test",
        contact_phone="1",
        note="n",
        status=RegistrationStatus.PENDING_REVIEW,
        submitted_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def test_decide_stamps_and_audits(session, frozen_clock):
    # given a pending registration
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    row = await pending_registration(session, partner, admin)
    frozen_clock.advance(timedelta(hours=1))

    # when the platform rejects it
    ctx = platform(session)
    locked = await find_visible(ctx, Registration, row.id, "No such registration.", lock=True)
    await decide(
        ctx,
        KIND,
        locked,
        RegistrationStatus.REJECTED,
        action="registration.reject",
        reason="no",
        after={"extra": 1},
    )

    # then status, both time columns and the reason are set, and one event says so
    assert locked.status is RegistrationStatus.REJECTED
    assert locked.reviewed_at == locked.updated_at == clock.now()
    assert locked.rejection_reason == "no"
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "registration.reject")
    )
    assert event.object_id == row.id and event.partner_id == partner.id
    assert event.before == {"status": "PENDING_REVIEW", "note": "n"}
    assert event.after == {"status": "REJECTED", "note": "n", "extra": 1}


async def test_decide_can_leave_out_before_and_record_the_decider(session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    row = await pending_registration(session, partner, admin)
    kind = Decidable(
        "Registration",
        decided_at=("reviewed_at",),
        decided_by="submitted_by_id",
        audit_before=False,
    )

    await decide(
        acting_as(session, admin), kind, row, RegistrationStatus.APPROVED, action="x.approve"
    )

    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "x.approve"))
    assert event.before == {} and event.after == {"status": "APPROVED"}
    assert row.submitted_by_id == admin.id


async def test_find_visible_hides_other_tenants_and_malformed_ids(session):
    # given a registration of another partner
    partner = await make_partner(session)
    row = await pending_registration(session, partner, await make_user(session, partner))
    other = await make_user(session, await make_partner(session), Role.ADMIN)

    # then it is exactly like a missing one, as is no id at all
    for row_id in (row.id, None):
        with pytest.raises(DomainError) as refused:
            await find_visible(
                acting_as(session, other), Registration, row_id, "No such thing.", ["x"]
            )
        assert refused.value.code is ErrorCode.NOT_FOUND
        assert refused.value.field == ["x"]


async def test_find_visible_applies_extra_conditions(session):
    partner = await make_partner(session)
    admin = await make_user(session, partner)
    row = await pending_registration(session, partner, admin)
    ctx = acting_as(session, admin)

    found = await find_visible(ctx, Registration, row.id, "No.")
    assert found.id == row.id
    with pytest.raises(DomainError):
        await find_visible(
            ctx, Registration, row.id, "No.", where=[Registration.note == "something else"]
        )
