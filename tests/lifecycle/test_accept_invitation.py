"""acceptInvitation: as a new cloud account (PLATFORM sign-up) or an existing one (CUSTOMER)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, CloudAccount, Customer, Invitation, Registration
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import InvitationStatus, RegistrationStatus
from app.models.partners.enums import Role
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
from tests.lifecycle.factories import make_invitation, make_registration
from tests.rows import reread

ACCEPT = """
mutation Accept($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) {
    customer { id name accountName associationType associatedAt endedAt }
    customerToken
    userErrors { code field message }
  }
}
"""
VIEWER = "{ viewer { kind } customers(first: 5) { nodes { id name } } }"


def new_account(**fields):
    return {
        "accountName": "acme_cloud",
        "contactName": "李四",
        "contactPhone": "+86 138-0000-1111",
        "contactEmail": "li@acme.test",
        **fields,
    }


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def platform(session):
    return await platform_token(session)


async def accept(client, token, raw, account=None):
    variables = {"input": {"token": raw}}
    if account is not None:
        variables["input"]["newAccount"] = account
    body = await gql(client, ACCEPT, variables, token=token)
    return body["data"]["acceptInvitation"] if body.get("data") else body


async def test_sign_up_creates_the_account_and_returns_its_token_once(
    client, session, partner, platform, frozen_clock
):
    # given an approved registration and its invitation
    registration = await make_registration(
        session, partner, company_name="Acme Tech", status=RegistrationStatus.APPROVED
    )
    sibling, _ = await make_invitation(session, partner, registration=registration)
    invitation, raw = await make_invitation(
        session, partner, registration=registration, association_type=AssociationType.REFERRAL
    )

    # when
    payload = await accept(client, platform, raw, new_account())

    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["name"] == "Acme Tech"
    assert customer["accountName"] == "acme_cloud"
    assert customer["associationType"] == "REFERRAL"
    assert customer["associatedAt"] == iso(frozen_clock.now())
    me = await gql(client, VIEWER, token=payload["customerToken"])
    assert me["data"]["viewer"]["kind"] == "CUSTOMER"
    assert [c["id"] for c in me["data"]["customers"]["nodes"]] == [customer["id"]]

    stored = await reread(session, Registration, registration.id)
    assert stored.status is RegistrationStatus.ASSOCIATED
    assert global_id("Customer", stored.associated_customer_id) == customer["id"]
    used = await reread(session, Invitation, invitation.id)
    assert used.status is InvitationStatus.ACCEPTED
    other = await reread(session, Invitation, sibling.id)
    assert other.status is InvitationStatus.REVOKED
    account = await session.scalar(
        select(CloudAccount).where(CloudAccount.account_name == "acme_cloud")
    )
    assert account.normalized_company_name == "acmetech"
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.accept"))
    assert event.partner_id == partner.id
    assert payload["customerToken"] not in str(event.after)


async def test_an_invitation_is_single_use(client, session, partner, platform):
    _, raw = await make_invitation(session, partner)
    await accept(client, platform, raw, new_account())

    again = await accept(client, platform, raw, new_account(accountName="second"))

    assert again["userErrors"] == [
        {
            "code": "INVALID_STATE",
            "field": ["input", "token"],
            "message": "The invitation is already ACCEPTED.",
        }
    ]


async def test_an_existing_account_without_association_accepts_as_itself(
    client, session, partner, frozen_clock
):
    # given a cloud account whose association with another partner has ended
    former = await make_partner(session)
    old = await make_customer(
        session, former, name="Acme Tech", ended_at=frozen_clock.now() - timedelta(days=1)
    )
    token = await customer_token(session, old)
    _, raw = await make_invitation(session, partner)

    # when
    payload = await accept(client, token, raw)

    # then: a new association with the inviting partner; no new token
    assert payload["userErrors"] == []
    assert payload["customerToken"] is None
    new = await reread(session, Customer, int(_db_id(payload["customer"]["id"])))
    assert new.partner_id == partner.id
    assert new.cloud_account_id == old.cloud_account_id
    assert new.ended_at is None


def _db_id(global_id_: str) -> int:
    from app.globalid import from_global_id

    return from_global_id(global_id_)[1]


async def test_an_account_with_an_open_association_is_refused(client, session, partner):
    other = await make_partner(session)
    current = await make_customer(session, other)
    _, raw = await make_invitation(session, partner)

    payload = await accept(client, await customer_token(session, current), raw)

    assert [e["code"] for e in payload["userErrors"]] == ["ACCOUNT_ALREADY_ASSOCIATED"]


async def test_the_registered_contact_phone_must_match(client, session, partner, platform):
    # given
    registration = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, contact_phone="13800001111"
    )
    invitation, raw = await make_invitation(session, partner, registration=registration)

    # when: someone else's phone
    payload = await accept(client, platform, raw, new_account(contactPhone="13999999999"))

    # then: refused, and the registration and invitation stay open
    assert payload["userErrors"] == [
        {
            "code": "CONTACT_MISMATCH",
            "field": ["input", "newAccount", "contactPhone"],
            "message": "The account's contact phone is not the registered contact's.",
        }
    ]
    assert (await reread(session, Registration, registration.id)).status is (
        RegistrationStatus.APPROVED
    )
    assert (await reread(session, Invitation, invitation.id)).status is (InvitationStatus.SENT)
    assert (
        await session.scalar(select(CloudAccount).where(CloudAccount.account_name == "acme_cloud"))
    ) is None


async def test_contact_check_for_an_existing_account(client, session, partner, frozen_clock):
    registration = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, contact_phone="13800001111"
    )
    _, raw = await make_invitation(session, partner, registration=registration)
    former = await make_partner(session)
    mismatched = await make_customer(
        session, former, ended_at=frozen_clock.now(), contact_phone="13700000000"
    )
    matching = await make_customer(
        session, former, ended_at=frozen_clock.now(), contact_phone="+86 13800001111"
    )

    refused = await accept(client, await customer_token(session, mismatched), raw)
    accepted = await accept(client, await customer_token(session, matching), raw)

    assert [e["code"] for e in refused["userErrors"]] == ["CONTACT_MISMATCH"]
    assert accepted["userErrors"] == []


async def test_an_expired_invitation_or_registration(
    client, session, partner, platform, frozen_clock
):
    _lapsed, raw_lapsed = await make_invitation(session, partner, expires_at=frozen_clock.now())
    registration = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=frozen_clock.now()
    )
    _, raw_reg = await make_invitation(
        session, partner, registration=registration, expires_at=frozen_clock.now() + timedelta(1)
    )

    for raw in (raw_lapsed, raw_reg):
        payload = await accept(client, platform, raw, new_account())
        assert [e["code"] for e in payload["userErrors"]] == ["INVITATION_EXPIRED"]


async def test_a_revoked_invitation(client, session, partner, platform):
    _, raw = await make_invitation(session, partner, status=InvitationStatus.REVOKED)

    payload = await accept(client, platform, raw, new_account())

    assert payload["userErrors"][0]["code"] == "INVALID_STATE"


async def test_an_unknown_token(client, session, platform):
    for raw in ("inv_nope", "pc_not_an_invitation", ""):
        payload = await accept(client, platform, raw, new_account())
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"
        assert payload["userErrors"][0]["field"] == ["input", "token"]


async def test_account_name_must_be_free_and_valid(client, session, partner, platform):
    taken = await make_customer(session, partner)
    _, raw = await make_invitation(session, partner)

    bad = await accept(client, platform, raw, new_account(accountName="a b", contactEmail="x"))
    dup = await accept(client, platform, raw, new_account(accountName=taken.account_name))

    assert {tuple(e["field"]) for e in bad["userErrors"]} == {
        ("input", "newAccount", "accountName"),
        ("input", "newAccount", "contactEmail"),
    }
    assert [e["code"] for e in dup["userErrors"]] == ["ACCOUNT_NAME_TAKEN"]


async def test_an_invitation_without_registration_cannot_take_a_held_company(
    client, session, partner, platform
):
    # another partner has registered the company; this partner invites it without registering
    other = await make_partner(session)
    await make_registration(session, other, company_name="Held Co., Ltd.")
    _, raw = await make_invitation(session, partner, company_name="Held Co")

    payload = await accept(client, platform, raw, new_account())

    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]


async def test_an_invitation_without_registration_may_take_its_own_registered_company(
    client, session, partner, platform
):
    await make_registration(session, partner, company_name="Mine Co")
    _, raw = await make_invitation(session, partner, company_name="Mine Co")

    payload = await accept(client, platform, raw, new_account())

    assert payload["userErrors"] == []


async def test_who_may_accept(client, session, partner, platform):
    _, raw = await make_invitation(session, partner)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))

    forbidden = await accept(client, admin, raw, new_account())
    platform_without_account = await accept(client, platform, raw)

    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert platform_without_account["userErrors"][0]["field"] == ["input", "newAccount"]


async def test_the_inviting_sales_user_manages_the_new_customer(client, session, partner, platform):
    # given a SALES user (who sees only the customers it manages) invites a company
    sales = await make_user(session, partner, Role.SALES)
    token = await token_for(session, sales)
    body = await gql(
        client,
        """mutation { createInvitation(input: {channel: OFFLINE, associationType: RESELLER,
                                               companyName: "Brought In Co"}) {
             invitationLink } }""",
        token=token,
    )
    raw = body["data"]["createInvitation"]["invitationLink"].split("token=")[1]

    # when the customer signs up
    accepted = await accept(client, platform, raw, new_account())

    # then the SALES user manages it and sees it
    customer_id = accepted["customer"]["id"]
    mine = await gql(
        client, "{ customers(first: 5) { nodes { id accountManager { id } } } }", token=token
    )
    assert mine["data"]["customers"]["nodes"] == [
        {"id": customer_id, "accountManager": {"id": global_id("PartnerUser", sales.id)}}
    ]
