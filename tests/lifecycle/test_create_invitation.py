"""createInvitation: online invitations go to the outbox, offline ones return their link once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Invitation, Notification
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import CertificationStatus, Role
from app.services.partners.tokens import hash_token
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import make_registration

CREATE = """
mutation Create($input: CreateInvitationInput!) {
  createInvitation(input: $input) {
    invitation {
      id channel associationType companyName recipientEmail recipientPhone status expiresAt
      registration { id }
    }
    invitationLink
    userErrors { code field message }
  }
}
"""
OUTBOX = """
query Outbox($filter: NotificationFilter) {
  notifications(first: 10, filter: $filter) {
    nodes { channel recipient template payload }
  }
}
"""


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def sales(session, partner):
    return await token_for(session, await make_user(session, partner, Role.SALES))


async def create(client, token, **input):
    body = await gql(client, CREATE, {"input": input}, token=token)
    return body["data"]["createInvitation"]


async def test_offline_invitation_returns_its_link_once(client, session, partner, sales):
    # when
    payload = await create(
        client, sales, channel="OFFLINE", associationType="RESELLER", companyName="Acme"
    )

    # then
    assert payload["userErrors"] == []
    link = payload["invitationLink"]
    assert link.startswith("https://console.example.com/invitations/accept?token=inv_")
    token = link.split("token=")[1]
    invitation = await session.scalar(select(Invitation).where(Invitation.partner_id == partner.id))
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert payload["invitation"]["expiresAt"] is None  # offline: until revoked
    assert (
        await session.scalar(select(Notification).where(Notification.partner_id == partner.id))
    ) is None
    event = await session.scalar(select(AuditEvent).where(AuditEvent.object_id == invitation.id))
    assert event.action == "invitation.create"
    assert token not in str(event.after)


async def test_offline_expiry_is_a_setting(
    client, session, sales, settings, monkeypatch, frozen_clock
):
    monkeypatch.setattr(settings, "invitation_offline_validity_days", 30)

    payload = await create(
        client, sales, channel="OFFLINE", associationType="REFERRAL", companyName="Acme"
    )

    assert payload["invitation"]["expiresAt"] == iso(frozen_clock.now() + timedelta(days=30))


async def test_online_invitation_writes_the_outbox_for_the_platform(
    client, session, partner, sales, frozen_clock
):
    # when
    payload = await create(
        client,
        sales,
        channel="ONLINE",
        associationType="RESELLER",
        companyName="Acme",
        recipientEmail="boss@acme.test",
        recipientPhone="13900001111",
    )

    # then: no link in the payload, one message per channel in the outbox
    assert payload["invitationLink"] is None
    assert payload["invitation"]["expiresAt"] == iso(frozen_clock.now() + timedelta(days=7))
    platform = await platform_token(session)
    outbox = await gql(
        client, OUTBOX, {"filter": {"partnerId": global_id("Partner", partner.id)}}, token=platform
    )
    messages = outbox["data"]["notifications"]["nodes"]
    assert sorted((m["channel"], m["recipient"]) for m in messages) == [
        ("EMAIL", "boss@acme.test"),
        ("SMS", "13900001111"),
    ]
    assert {m["template"] for m in messages} == {"customer_invitation"}
    link = messages[0]["payload"]["link"]
    invitation = await session.scalar(select(Invitation).where(Invitation.partner_id == partner.id))
    assert invitation.token_hash == hash_token(link.split("token=")[1])


async def test_only_the_platform_reads_the_outbox(client, session, partner, sales):
    await create(
        client,
        sales,
        channel="ONLINE",
        associationType="RESELLER",
        companyName="Acme",
        recipientEmail="boss@acme.test",
    )
    notification = await session.scalar(
        select(Notification).where(Notification.partner_id == partner.id)
    )
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))

    listed = await gql(client, OUTBOX, {}, token=admin)
    node = await gql(
        client,
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": global_id("Notification", notification.id)},
        token=admin,
    )

    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert node["data"]["node"] is None


async def test_a_registration_invitation_defaults_to_its_contact_and_validity(
    client, session, partner, sales, frozen_clock
):
    registration = await make_registration(
        session,
        partner,
        company_name="Registered Co",
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() + timedelta(days=3),
    )

    payload = await create(
        client,
        sales,
        channel="ONLINE",
        associationType="RESELLER",
        registrationId=global_id("Registration", registration.id),
    )

    invitation = payload["invitation"]
    assert invitation["companyName"] == "Registered Co"
    assert invitation["recipientEmail"] == registration.contact_email
    assert invitation["recipientPhone"] == registration.contact_phone
    assert invitation["registration"] == {"id": global_id("Registration", registration.id)}
    # never outlives its registration (3 days left, although online links last 7)
    assert invitation["expiresAt"] == iso(registration.expires_at)


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.PENDING_REVIEW,
        RegistrationStatus.REJECTED,
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.ASSOCIATED,
        RegistrationStatus.EXPIRED,
    ],
)
async def test_only_an_approved_registration_can_be_invited(
    client, session, partner, sales, status
):
    registration = await make_registration(session, partner, status=status)

    payload = await create(
        client,
        sales,
        channel="OFFLINE",
        associationType="RESELLER",
        registrationId=global_id("Registration", registration.id),
    )

    assert payload["userErrors"][0]["code"] == "INVALID_STATE"
    assert payload["userErrors"][0]["field"] == ["input", "registrationId"]


async def test_another_partners_registration_is_not_found(client, session, sales):
    other = await make_partner(session)
    foreign = await make_registration(session, other, status=RegistrationStatus.APPROVED)

    for registration_id in (global_id("Registration", foreign.id), "garbage"):
        payload = await create(
            client,
            sales,
            channel="OFFLINE",
            associationType="RESELLER",
            registrationId=registration_id,
        )
        assert payload["userErrors"] == [
            {
                "code": "NOT_FOUND",
                "field": ["input", "registrationId"],
                "message": "No such registration.",
            }
        ]


async def test_invalid_input(client, session, sales):
    payload = await create(
        client, sales, channel="ONLINE", associationType="RESELLER", recipientEmail="nope"
    )

    assert {(e["code"], e["field"][1]) for e in payload["userErrors"]} == {
        ("INVALID_INPUT", "companyName"),
        ("INVALID_INPUT", "recipientEmail"),
    }


async def test_online_needs_a_recipient(client, session, sales):
    payload = await create(
        client, sales, channel="ONLINE", associationType="RESELLER", companyName="A"
    )

    assert payload["userErrors"][0]["code"] == "INVALID_INPUT"
    assert payload["userErrors"][0]["field"] == ["input", "recipientEmail"]


async def test_an_uncertified_partner_cannot_invite(client, session):
    partner = await make_partner(session, certification_status=CertificationStatus.EXPIRED)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    payload = await create(
        client, token, channel="OFFLINE", associationType="RESELLER", companyName="A"
    )

    assert [e["code"] for e in payload["userErrors"]] == ["PARTNER_NOT_CERTIFIED"]


async def test_roles(client, session, partner):
    customer = await make_customer(session, partner)
    tokens = [
        await token_for(session, await make_user(session, partner, Role.FINANCE)),
        await token_for(session, await make_user(session, partner, Role.VIEWER)),
        await customer_token(session, customer),
        await platform_token(session),
    ]
    for token in tokens:
        body = await gql(
            client,
            CREATE,
            {"input": {"channel": "OFFLINE", "associationType": "RESELLER", "companyName": "A"}},
            token=token,
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
