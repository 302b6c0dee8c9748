"""Managing invited customers: list/filter, resend (old link dies), revoke, expiry, secrecy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Invitation, Notification
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus, RegistrationStatus
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from app.services.partners.tokens import hash_token
from tests.factories import global_id, gql, iso, make_partner, make_user, token_for
from tests.lifecycle.factories import make_invitation, make_registration

LIST = """
query List($filter: InvitationFilter, $orderBy: InvitationOrder) {
  invitations(first: 50, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id companyName channel status sendCount expiresAt customer { id } } }
  }
}
"""
RESEND = """
mutation Resend($id: ID!) {
  resendInvitation(input: {id: $id}) {
    invitation { id status sendCount expiresAt }
    invitationLink
    userErrors { code field message }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeInvitation(input: {id: $id}) {
    invitation { id status revokedAt }
    userErrors { code field message }
  }
}
"""
EVERY_FIELD = """
query Every($id: ID!) {
  node(id: $id) {
    ... on Invitation {
      id channel associationType companyName contactName recipientEmail recipientPhone
      status createdAt sentAt sendCount expiresAt acceptedAt revokedAt
    }
  }
}
"""


def iid(invitation: Invitation) -> str:
    return global_id("Invitation", invitation.id)


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def sales(session, partner):
    return await token_for(session, await make_user(session, partner, Role.SALES))


async def test_a_listed_invitation_never_shows_its_token(client, session, partner, sales):
    invitation, raw = await make_invitation(session, partner)

    listed = await gql(client, LIST, {}, token=sales)
    node = await gql(client, EVERY_FIELD, {"id": iid(invitation)}, token=sales)

    for body in (listed, node):
        text = json.dumps(body)
        assert raw not in text
        assert hash_token(raw) not in text
    assert "token" not in {
        f["name"].lower()
        for f in (
            await gql(client, '{ __type(name: "Invitation") { fields { name } } }', token=sales)
        )["data"]["__type"]["fields"]
    }


async def test_list_filters_by_status_channel_registration_and_name(
    client, session, partner, sales, frozen_clock
):
    registration = await make_registration(session, partner, status=RegistrationStatus.APPROVED)
    by_registration, _ = await make_invitation(session, partner, registration=registration)
    online, _ = await make_invitation(
        session, partner, channel=InvitationChannel.ONLINE, company_name="Online Corp"
    )
    lapsed, _ = await make_invitation(
        session, partner, company_name="Lapsed Corp", expires_at=frozen_clock.now()
    )
    revoked, _ = await make_invitation(session, partner, status=InvitationStatus.REVOKED)

    async def ids(filter):
        body = await gql(client, LIST, {"filter": filter}, token=sales)
        return {e["node"]["id"] for e in body["data"]["invitations"]["edges"]}

    assert await ids({"statuses": ["EXPIRED"]}) == {iid(lapsed)}
    assert await ids({"statuses": ["SENT"]}) == {iid(by_registration), iid(online)}
    assert await ids({"statuses": ["REVOKED", "EXPIRED"]}) == {iid(revoked), iid(lapsed)}
    assert await ids({"channel": "ONLINE"}) == {iid(online)}
    assert await ids({"registrationId": global_id("Registration", registration.id)}) == {
        iid(by_registration)
    }
    assert await ids({"companyNameContains": "corp"}) == {iid(online), iid(lapsed)}


async def test_list_is_tenant_scoped(client, session, sales):
    other = await make_partner(session)
    foreign, _ = await make_invitation(session, other)

    listed = await gql(client, LIST, {}, token=sales)
    node = await gql(client, EVERY_FIELD, {"id": iid(foreign)}, token=sales)
    revoke = await gql(client, REVOKE, {"id": iid(foreign)}, token=sales)
    resend = await gql(client, RESEND, {"id": iid(foreign)}, token=sales)

    assert listed["data"]["invitations"]["totalCount"] == 0
    assert node["data"]["node"] is None
    assert revoke["data"]["revokeInvitation"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert resend["data"]["resendInvitation"]["userErrors"][0]["code"] == "NOT_FOUND"
    await session.refresh(foreign)
    assert foreign.status is InvitationStatus.SENT


async def test_resend_offline_gives_a_new_link_and_kills_the_old(client, session, partner, sales):
    invitation, old = await make_invitation(session, partner)

    body = await gql(client, RESEND, {"id": iid(invitation)}, token=sales)

    payload = body["data"]["resendInvitation"]
    new = payload["invitationLink"].split("token=")[1]
    assert new != old
    assert payload["invitation"]["sendCount"] == 2
    stored = await session.get(Invitation, invitation.id, populate_existing=True)
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


async def test_the_job_expires_lapsed_links(db, session, frozen_clock):
    partner = await make_partner(session)
    lapsed, _ = await make_invitation(session, partner, expires_at=frozen_clock.now())
    open_ended, _ = await make_invitation(session, partner)
    await session.commit()

    outcomes = {o.name: o for o in await run_due(db, force=True)}

    assert outcomes["invitations.expire"].result == "1 invitations expired"
    for row, status in ((lapsed, InvitationStatus.EXPIRED), (open_ended, InvitationStatus.SENT)):
        assert (await session.get(Invitation, row.id, populate_existing=True)).status is status
