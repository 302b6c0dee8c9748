"""`revokeInvitation`."""

from __future__ import annotations

from datetime import timedelta

from app.models.partners.enums import Role
from tests.factories import gql, iso, make_user, token_for
from tests.lifecycle.factories import make_invitation
from tests.lifecycle.invitation_helpers import EVERY_FIELD, REVOKE, iid


async def test_a_lapsed_invitation_reads_expired_and_cannot_be_revoked(
    client, session, partner, sales, frozen_clock
):
    invitation, _ = await make_invitation(
        session, partner, expires_at=frozen_clock.now() + timedelta(hours=1)
    )
    frozen_clock.advance(timedelta(hours=1))

    node = await gql(client, EVERY_FIELD, {"id": iid(invitation)}, token=sales)
    revoke = await gql(client, REVOKE, {"id": iid(invitation)}, token=sales)

    assert node["data"]["node"]["status"] == "EXPIRED"
    assert revoke["data"]["revokeInvitation"]["userErrors"][0]["code"] == "INVITATION_EXPIRED"


async def test_revoke(client, session, partner, sales, frozen_clock):
    invitation, _ = await make_invitation(session, partner)

    body = await gql(client, REVOKE, {"id": iid(invitation)}, token=sales)

    assert body["data"]["revokeInvitation"]["invitation"] == {
        "id": iid(invitation),
        "status": "REVOKED",
        "revokedAt": iso(frozen_clock.now()),
    }


async def test_viewer_cannot_revoke(client, session, partner):
    invitation, _ = await make_invitation(session, partner)
    viewer = await token_for(session, await make_user(session, partner, Role.VIEWER))

    body = await gql(client, REVOKE, {"id": iid(invitation)}, token=viewer)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
