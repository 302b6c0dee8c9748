"""`createPartnerUser`: an ADMIN adds users and service accounts to its partner."""

from __future__ import annotations

import pytest

from app.globalid import from_global_id
from app.models import PartnerUser
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import gql, iso
from tests.partners.user_token_helpers import (
    CREATE_USER,
    audit_events,
    codes,
    forbidden,
    issue,
    make_team,
    payload,
    status_of,
)
from tests.rows import reread


async def test_admin_creates_a_user_who_then_works_with_its_role(client, session):
    # given
    team = await make_team(session)

    # when
    body = await gql(
        client,
        CREATE_USER,
        {"input": {"name": "  Li Lei ", "email": "li.lei@example.com", "role": "FINANCE"}},
        token=team.admin_token,
    )

    # then
    result = payload(body, "createPartnerUser")
    assert result["userErrors"] == []
    user = result["partnerUser"]
    assert user["name"] == "Li Lei"
    assert user["email"] == "li.lei@example.com"
    assert user["role"] == "FINANCE"
    assert user["serviceAccount"] is False
    assert user["createdAt"] == iso(NOW)
    assert user["deactivatedAt"] is None
    [event] = await audit_events(session, "partner_user.create")
    assert event.partner_id == team.partner.id
    assert event.actor_user_id == team.admin.id
    assert event.after["role"] == "FINANCE" and event.after["email"] == "li.lei@example.com"


async def test_a_service_account_gets_a_token_and_reads_as_viewer(client, session):
    # given a BI tool's service account
    team = await make_team(session)
    body = await gql(
        client,
        CREATE_USER,
        {
            "input": {
                "name": "BI export",
                "email": "bi@example.com",
                "role": "VIEWER",
                "serviceAccount": True,
            }
        },
        token=team.admin_token,
    )
    user = payload(body, "createPartnerUser")["partnerUser"]
    assert user["serviceAccount"] is True

    # when it gets a token
    _, user_id = from_global_id(user["id"])
    row = await reread(session, PartnerUser, user_id)
    issued = await issue(client, team.admin_token, row, label="bi")

    # then the token acts as that VIEWER
    viewer = await gql(client, "{ viewer { role user { id } } }", token=issued["token"])
    assert viewer["data"]["viewer"] == {"role": "VIEWER", "user": {"id": user["id"]}}
    assert await status_of(client, issued["token"]) == (200, None)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"name": "", "email": "a@example.com"}, [("INVALID_INPUT", ["input", "name"])]),
        ({"name": "   ", "email": "a@example.com"}, [("INVALID_INPUT", ["input", "name"])]),
        ({"name": "x" * 101, "email": "a@example.com"}, [("INVALID_INPUT", ["input", "name"])]),
        ({"name": "Ann", "email": "not-an-email"}, [("INVALID_INPUT", ["input", "email"])]),
        ({"name": "Ann", "email": "a b@example.com"}, [("INVALID_INPUT", ["input", "email"])]),
        (
            {"name": "Ann", "email": "a@" + "x" * 250 + ".com"},
            [("INVALID_INPUT", ["input", "email"])],
        ),
        (
            {"name": "", "email": "@"},
            [("INVALID_INPUT", ["input", "name"]), ("INVALID_INPUT", ["input", "email"])],
        ),
    ],
)
async def test_bad_names_and_emails_are_refused_and_nothing_is_created(
    client, session, fields, expected
):
    team = await make_team(session)

    body = await gql(
        client, CREATE_USER, {"input": {**fields, "role": "SALES"}}, token=team.admin_token
    )

    result = payload(body, "createPartnerUser")
    assert result["partnerUser"] is None
    assert codes(result) == expected
    assert await audit_events(session, "partner_user.create") == []


async def test_an_email_already_in_the_partner_is_refused_case_insensitively(client, session):
    # given
    team = await make_team(session)
    taken = team.users[Role.SALES].email

    # when
    body = await gql(
        client,
        CREATE_USER,
        {"input": {"name": "Twin", "email": taken.upper(), "role": "SALES"}},
        token=team.admin_token,
    )

    # then
    assert codes(payload(body, "createPartnerUser")) == [("INVALID_INPUT", ["input", "email"])]


async def test_the_same_email_in_another_partner_is_fine(client, session):
    team = await make_team(session)

    body = await gql(
        client,
        CREATE_USER,
        {"input": {"name": "Same", "email": team.other_admin.email, "role": "SALES"}},
        token=team.admin_token,
    )

    assert payload(body, "createPartnerUser")["userErrors"] == []


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_only_an_admin_creates_users(client, session, role):
    team = await make_team(session)

    body = await gql(
        client,
        CREATE_USER,
        {"input": {"name": "Eve", "email": "eve@example.com", "role": "ADMIN"}},
        token=team.tokens[role],
    )

    assert forbidden(body)
    assert await audit_events(session, "partner_user.create") == []


async def test_the_new_user_belongs_to_the_callers_partner_only(client, session):
    # given
    team = await make_team(session)

    # when
    body = await gql(
        client,
        CREATE_USER,
        {"input": {"name": "Mine", "email": "mine@example.com", "role": "VIEWER"}},
        token=team.admin_token,
    )
    new_id = payload(body, "createPartnerUser")["partnerUser"]["id"]
    theirs = await gql(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": new_id}, token=team.other_token
    )

    # then the other partner can't see it
    assert theirs["data"]["node"] is None
