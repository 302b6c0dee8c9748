"""`withdrawRegistration`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Invitation
from app.models.lifecycle.enums import InvitationStatus, RegistrationStatus
from app.models.partners.enums import Role
from tests.factories import (
    gql,
    make_user,
    token_for,
)
from tests.lifecycle.factories import make_invitation, make_registration
from tests.lifecycle.registration_helpers import LIST, WITHDRAW, rid
from tests.rows import reread


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING_REVIEW, RegistrationStatus.APPROVED])
async def test_withdraw_kills_open_invitations(client, session, partner, admin, status):
    # given
    registration = await make_registration(session, partner, status=status)
    invitation, _ = await make_invitation(session, partner, registration=registration)
    used, _ = await make_invitation(
        session, partner, registration=registration, status=InvitationStatus.ACCEPTED
    )

    # when
    body = await gql(client, WITHDRAW, {"id": rid(registration)}, token=admin)

    # then
    assert body["data"]["withdrawRegistration"]["registration"]["status"] == "WITHDRAWN"
    for row, expected in (
        (invitation, InvitationStatus.REVOKED),
        (used, InvitationStatus.ACCEPTED),
    ):
        stored = await reread(session, Invitation, row.id)
        assert stored.status is expected
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "registration.withdraw")
    )
    assert event.object_id == registration.id


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.REJECTED,
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.ASSOCIATED,
        RegistrationStatus.EXPIRED,
    ],
)
async def test_withdraw_is_illegal_once_ended(client, session, partner, admin, status):
    registration = await make_registration(session, partner, status=status)

    body = await gql(client, WITHDRAW, {"id": rid(registration)}, token=admin)

    assert [e["code"] for e in body["data"]["withdrawRegistration"]["userErrors"]] == [
        "INVALID_STATE"
    ]


async def test_a_lapsed_registration_cannot_be_withdrawn(
    client, session, partner, admin, frozen_clock
):
    registration = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=frozen_clock.now()
    )

    body = await gql(client, WITHDRAW, {"id": rid(registration)}, token=admin)

    assert body["data"]["withdrawRegistration"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_viewer_and_sales_read_but_only_sales_writes(client, session, partner):
    registration = await make_registration(session, partner)
    viewer = await token_for(session, await make_user(session, partner, Role.VIEWER))
    sales = await token_for(session, await make_user(session, partner, Role.SALES))

    viewer_list = await gql(client, LIST, {}, token=viewer)
    viewer_withdraw = await gql(client, WITHDRAW, {"id": rid(registration)}, token=viewer)
    sales_withdraw = await gql(client, WITHDRAW, {"id": rid(registration)}, token=sales)

    assert viewer_list["data"]["registrations"]["totalCount"] == 1
    assert viewer_withdraw["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert sales_withdraw["data"]["withdrawRegistration"]["registration"]["status"] == "WITHDRAWN"
