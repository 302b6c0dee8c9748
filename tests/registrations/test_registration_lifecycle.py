"""Registrations after submission: edit, withdraw, review, expiry, lists and isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Invitation, Registration
from app.models.lifecycle.enums import InvitationStatus, RegistrationStatus
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
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

UPDATE = """
mutation Update($input: UpdateRegistrationInput!) {
  updateRegistration(input: $input) {
    registration { id companyName creditCode note status }
    userErrors { code field message }
  }
}
"""
WITHDRAW = """
mutation Withdraw($id: ID!) {
  withdrawRegistration(input: {id: $id}) {
    registration { id status }
    userErrors { code field message }
  }
}
"""
APPROVE = """
mutation Approve($id: ID!) {
  approveRegistration(input: {id: $id}) {
    registration { id status expiresAt reviewedAt partner { name } }
    userErrors { code field message }
  }
}
"""
REJECT = """
mutation Reject($id: ID!, $reason: String!) {
  rejectRegistration(input: {id: $id, reason: $reason}) {
    registration { id status rejectionReason }
    userErrors { code field message }
  }
}
"""
LIST = """
query List($filter: RegistrationFilter, $orderBy: RegistrationOrder) {
  registrations(first: 50, filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes { id companyName status }
  }
}
"""
NODE = """
query Node($id: ID!) { node(id: $id) { id ... on Registration { status companyName } } }
"""


def rid(registration: Registration) -> str:
    return global_id("Registration", registration.id)


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def admin(session, partner):
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


@pytest.fixture
async def platform(session):
    return await platform_token(session)


# updateRegistration


async def test_edit_a_pending_registration(client, session, partner, admin):
    registration = await make_registration(session, partner, company_name="Old Name")

    body = await gql(
        client,
        UPDATE,
        {"input": {"id": rid(registration), "companyName": "New Name", "note": "hot lead"}},
        token=admin,
    )

    payload = body["data"]["updateRegistration"]
    assert payload["userErrors"] == []
    assert payload["registration"]["companyName"] == "New Name"
    assert payload["registration"]["note"] == "hot lead"
    await session.refresh(registration)
    assert registration.normalized_name == "newname"


async def test_edit_rechecks_conflicts(client, session, partner, admin):
    other = await make_partner(session)
    await make_registration(session, other, company_name="Taken Co., Ltd.")
    registration = await make_registration(session, partner, company_name="Free Co")

    body = await gql(
        client, UPDATE, {"input": {"id": rid(registration), "companyName": "TAKEN"}}, token=admin
    )

    errors = body["data"]["updateRegistration"]["userErrors"]
    assert [e["code"] for e in errors] == ["REGISTRATION_CONFLICT"]
    await session.refresh(registration)
    assert registration.company_name == "Free Co"


async def test_edit_only_while_pending(client, session, partner, admin):
    registration = await make_registration(session, partner, status=RegistrationStatus.APPROVED)

    body = await gql(client, UPDATE, {"input": {"id": rid(registration), "note": "x"}}, token=admin)

    assert [e["code"] for e in body["data"]["updateRegistration"]["userErrors"]] == [
        "INVALID_STATE"
    ]


async def test_edit_needs_a_field(client, session, partner, admin):
    registration = await make_registration(session, partner)

    body = await gql(client, UPDATE, {"input": {"id": rid(registration)}}, token=admin)

    assert [e["code"] for e in body["data"]["updateRegistration"]["userErrors"]] == [
        "INVALID_INPUT"
    ]


# withdrawRegistration


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
        stored = await session.get(Invitation, row.id, populate_existing=True)
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


# review by the platform


async def test_platform_approves_for_the_validity_period(
    client, session, partner, platform, frozen_clock
):
    registration = await make_registration(session, partner)

    body = await gql(client, APPROVE, {"id": rid(registration)}, token=platform)

    approved = body["data"]["approveRegistration"]["registration"]
    assert approved["status"] == "APPROVED"
    assert approved["partner"]["name"] == partner.name
    assert approved["expiresAt"] == iso(frozen_clock.now() + timedelta(days=15))


async def test_approval_rechecks_conflicts(client, session, partner, platform):
    # given: a customer of another partner has appeared since the submission
    registration = await make_registration(session, partner, company_name="Acme Tech")
    other = await make_partner(session)
    await make_customer(session, other, name="ACME TECH CO., LTD.")

    body = await gql(client, APPROVE, {"id": rid(registration)}, token=platform)

    payload = body["data"]["approveRegistration"]
    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]
    await session.refresh(registration)
    assert registration.status is RegistrationStatus.PENDING_REVIEW


async def test_platform_rejects_with_a_reason(client, session, partner, platform):
    registration = await make_registration(session, partner)

    empty = await gql(client, REJECT, {"id": rid(registration), "reason": " "}, token=platform)
    body = await gql(client, REJECT, {"id": rid(registration), "reason": "dup"}, token=platform)

    assert empty["data"]["rejectRegistration"]["userErrors"][0]["field"] == ["input", "reason"]
    assert body["data"]["rejectRegistration"]["registration"] == {
        "id": rid(registration),
        "status": "REJECTED",
        "rejectionReason": "dup",
    }


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.ASSOCIATED,
        RegistrationStatus.EXPIRED,
    ],
)
async def test_only_pending_registrations_are_reviewed(client, session, partner, platform, status):
    registration = await make_registration(session, partner, status=status)

    approve = await gql(client, APPROVE, {"id": rid(registration)}, token=platform)
    reject = await gql(client, REJECT, {"id": rid(registration), "reason": "x"}, token=platform)

    assert approve["data"]["approveRegistration"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert reject["data"]["rejectRegistration"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_partners_cannot_review(client, session, partner, admin):
    registration = await make_registration(session, partner)
    customer = await make_customer(session, partner)

    for token in (admin, await customer_token(session, customer)):
        body = await gql(client, APPROVE, {"id": rid(registration)}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# expiry


async def test_expiry_is_visible_on_read_before_the_job_runs(
    client, session, partner, admin, frozen_clock
):
    registration = await make_registration(
        session,
        partner,
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() + timedelta(days=1),
    )

    before = await gql(client, NODE, {"id": rid(registration)}, token=admin)
    frozen_clock.advance(timedelta(days=1))
    after = await gql(client, NODE, {"id": rid(registration)}, token=admin)
    expired = await gql(client, LIST, {"filter": {"statuses": ["EXPIRED"]}}, token=admin)
    approved = await gql(client, LIST, {"filter": {"statuses": ["APPROVED"]}}, token=admin)

    assert before["data"]["node"]["status"] == "APPROVED"
    assert after["data"]["node"]["status"] == "EXPIRED"
    assert [n["id"] for n in expired["data"]["registrations"]["nodes"]] == [rid(registration)]
    assert approved["data"]["registrations"]["nodes"] == []
    await session.refresh(registration)
    assert registration.status is RegistrationStatus.APPROVED  # not written yet


async def test_the_job_stores_expiry_and_kills_invitations(db, session, frozen_clock):
    partner = await make_partner(session)
    lapsed = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=frozen_clock.now()
    )
    valid = await make_registration(session, partner, status=RegistrationStatus.APPROVED)
    invitation, _ = await make_invitation(
        session, partner, registration=lapsed, expires_at=frozen_clock.now() + timedelta(days=1)
    )
    await session.commit()

    outcomes = {o.name: o for o in await run_due(db, force=True)}

    assert outcomes["registrations.expire"].result == "1 registrations expired"
    assert (await session.get(Registration, lapsed.id, populate_existing=True)).status is (
        RegistrationStatus.EXPIRED
    )
    assert (await session.get(Registration, valid.id, populate_existing=True)).status is (
        RegistrationStatus.APPROVED
    )
    assert (await session.get(Invitation, invitation.id, populate_existing=True)).status is (
        InvitationStatus.EXPIRED
    )


# lists and isolation


async def test_filters_and_ordering(client, session, partner, admin, frozen_clock):
    now = frozen_clock.now()
    old = await make_registration(
        session, partner, company_name="Zeta Foods", submitted_at=now - timedelta(days=10)
    )
    new = await make_registration(
        session,
        partner,
        company_name="Alpha Foods",
        submitted_at=now - timedelta(days=1),
        status=RegistrationStatus.APPROVED,
    )
    await make_registration(session, partner, company_name="Other", submitted_at=now)

    default = await gql(client, LIST, {"filter": {"nameContains": "foods"}}, token=admin)
    by_name = await gql(
        client,
        LIST,
        {"filter": {"nameContains": "FOODS"}, "orderBy": {"field": "COMPANY_NAME"}},
        token=admin,
    )
    window = await gql(
        client,
        LIST,
        {
            "filter": {
                "submittedBetween": {
                    "from": iso(now - timedelta(days=11)),
                    "to": iso(now - timedelta(days=5)),
                }
            }
        },
        token=admin,
    )
    approved = await gql(client, LIST, {"filter": {"statuses": ["APPROVED"]}}, token=admin)

    assert [n["id"] for n in default["data"]["registrations"]["nodes"]] == [rid(new), rid(old)]
    assert [n["companyName"] for n in by_name["data"]["registrations"]["nodes"]] == [
        "Alpha Foods",
        "Zeta Foods",
    ]
    assert [n["id"] for n in window["data"]["registrations"]["nodes"]] == [rid(old)]
    assert approved["data"]["registrations"]["totalCount"] == 1


async def test_another_partners_registration_is_invisible_and_untouchable(
    client, session, partner, admin
):
    other = await make_partner(session)
    foreign = await make_registration(session, other)

    listed = await gql(client, LIST, {}, token=admin)
    node = await gql(client, NODE, {"id": rid(foreign)}, token=admin)
    update = await gql(client, UPDATE, {"input": {"id": rid(foreign), "note": "x"}}, token=admin)
    withdraw = await gql(client, WITHDRAW, {"id": rid(foreign)}, token=admin)

    assert listed["data"]["registrations"]["nodes"] == []
    assert node["data"]["node"] is None
    for body, field in ((update, "updateRegistration"), (withdraw, "withdrawRegistration")):
        assert body["data"][field]["userErrors"] == [
            {"code": "NOT_FOUND", "field": ["input", "id"], "message": "No such registration."}
        ]
    await session.refresh(foreign)
    assert foreign.status is RegistrationStatus.PENDING_REVIEW


async def test_the_platform_sees_every_partner_and_filters_by_one(client, session, platform):
    a, b = await make_partner(session), await make_partner(session)
    ra = await make_registration(session, a)
    await make_registration(session, b)

    everything = await gql(client, LIST, {}, token=platform)
    only_a = await gql(
        client, LIST, {"filter": {"partnerId": global_id("Partner", a.id)}}, token=platform
    )

    assert everything["data"]["registrations"]["totalCount"] >= 2
    assert [n["id"] for n in only_a["data"]["registrations"]["nodes"]] == [rid(ra)]


async def test_customers_cannot_list_registrations(client, session, partner):
    customer = await make_customer(session, partner)

    body = await gql(client, LIST, {}, token=await customer_token(session, customer))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


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
