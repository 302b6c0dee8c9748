"""`resendInvitation`: a fresh link or a fresh send, only for an open invitation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Invitation, Notification
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus
from app.services.partners.tokens import hash_token
from tests.factories import gql, iso
from tests.lifecycle.factories import make_invitation
from tests.lifecycle.invitation_helpers import RESEND, REVOKE, iid
from tests.rows import reread


async def test_resend_offline_gives_a_new_link_and_kills_the_old(client, session, partner, sales):
    invitation, old = await make_invitation(session, partner)

    body = await gql(client, RESEND, {"id": iid(invitation)}, token=sales)

    payload = body["data"]["resendInvitation"]
    new = payload["invitationLink"].split("token=")[1]
    assert new != old
    assert payload["invitation"]["sendCount"] == 2
    stored = await reread(session, Invitation, invitation.id)
    assert stored.token_hash == hash_token(new)
    assert stored.token_hash != hash_token(old)


async def test_resend_online_sends_again_with_a_fresh_validity(
    client, session, partner, sales, frozen_clock
):
    invitation, _ = await make_invitation(
        session,
        partner,
        channel=InvitationChannel.ONLINE,
        expires_at=frozen_clock.now() + timedelta(days=1),
    )
    invitation.recipient_email = "boss@acme.test"
    await session.flush()

    body = await gql(client, RESEND, {"id": iid(invitation)}, token=sales)

    payload = body["data"]["resendInvitation"]
    assert payload["invitationLink"] is None
    assert payload["invitation"]["expiresAt"] == iso(frozen_clock.now() + timedelta(days=7))
    sent = (
        await session.scalars(select(Notification).where(Notification.partner_id == partner.id))
    ).all()
    assert [(n.recipient, n.template) for n in sent] == [("boss@acme.test", "customer_invitation")]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (InvitationStatus.ACCEPTED, "INVALID_STATE"),
        (InvitationStatus.REVOKED, "INVALID_STATE"),
        (InvitationStatus.EXPIRED, "INVITATION_EXPIRED"),
    ],
)
async def test_resend_and_revoke_need_an_open_invitation(
    client, session, partner, sales, status, code
):
    invitation, _ = await make_invitation(session, partner, status=status)

    resend = await gql(client, RESEND, {"id": iid(invitation)}, token=sales)
    revoke = await gql(client, REVOKE, {"id": iid(invitation)}, token=sales)

    assert resend["data"]["resendInvitation"]["userErrors"][0]["code"] == code
    assert revoke["data"]["revokeInvitation"]["userErrors"][0]["code"] == code
