"""`updateRegistration`: editing a pending registration."""

from __future__ import annotations

from app.models.lifecycle.enums import RegistrationStatus
from tests.factories import (
    gql,
    make_partner,
)
from tests.lifecycle.factories import make_registration
from tests.lifecycle.registration_helpers import LIST, NODE, WITHDRAW, rid

UPDATE = """
mutation Update($input: UpdateRegistrationInput!) {
  updateRegistration(input: $input) {
    registration { id companyName creditCode note status }
    userErrors { code field message }
  }
}
"""


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
