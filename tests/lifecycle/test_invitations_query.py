"""Listing invitations: never the token, filters, tenant scope, the expiry job."""

from __future__ import annotations

import json

from app.models import Invitation
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus, RegistrationStatus
from app.services.core.jobs import run_due
from app.services.partners.tokens import hash_token
from tests.factories import global_id, gql, make_partner
from tests.lifecycle.factories import make_invitation, make_registration
from tests.lifecycle.invitation_helpers import EVERY_FIELD, RESEND, REVOKE, iid
from tests.rows import reread

LIST = """
query List($filter: InvitationFilter, $orderBy: InvitationOrder) {
  invitations(first: 50, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id companyName channel status sendCount expiresAt customer { id } } }
  }
}
"""


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


async def test_the_job_expires_lapsed_links(db, session, frozen_clock):
    partner = await make_partner(session)
    lapsed, _ = await make_invitation(session, partner, expires_at=frozen_clock.now())
    open_ended, _ = await make_invitation(session, partner)
    await session.commit()

    outcomes = {o.name: o for o in await run_due(db, force=True)}

    assert outcomes["invitations.expire"].result == "1 invitations expired"
    for row, status in ((lapsed, InvitationStatus.EXPIRED), (open_ended, InvitationStatus.SENT)):
        assert (await reread(session, Invitation, row.id)).status is status
