"""`updatePartnerUser`: an ADMIN re-roles or renames a user; the partner keeps an ADMIN."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_user, token_for
from tests.partners.user_token_helpers import (
    DEACTIVATE_USER,
    UPDATE_USER,
    audit_events,
    codes,
    forbidden,
    make_team,
    payload,
    uid,
)
from tests.rows import reread


async def test_a_new_role_applies_from_the_users_next_request(client, session):
    # given a VIEWER, who may not change partner settings
    team = await make_team(session)
    viewer = team.users[Role.VIEWER]
    settings = (
        "mutation { updatePartnerSettings(input: {salesSeeAllCustomers: true}) "
        "{ userErrors { code } } }"
    )
    assert forbidden(await gql(client, settings, token=team.tokens[Role.VIEWER]))

    # when it is made ADMIN and renamed
    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(viewer), "role": "ADMIN", "name": "Promoted"}},
        token=team.admin_token,
    )

    # then
    result = payload(body, "updatePartnerUser")
    assert result["userErrors"] == []
    assert result["partnerUser"]["role"] == "ADMIN"
    assert result["partnerUser"]["name"] == "Promoted"
    after = await gql(client, settings, token=team.tokens[Role.VIEWER])
    assert after["data"]["updatePartnerSettings"]["userErrors"] == []
    [event] = await audit_events(session, "partner_user.update")
    assert event.before["role"] == "VIEWER" and event.after["role"] == "ADMIN"
    assert event.before["name"] != "Promoted" and event.after["name"] == "Promoted"


async def test_a_demoted_admin_loses_admin_rights_at_once(client, session):
    # given two ADMINs
    team = await make_team(session)
    second = await make_user(session, team.partner, Role.ADMIN)
    second_token = await token_for(session, second)

    # when the first demotes the second to VIEWER
    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(second), "role": "VIEWER"}},
        token=team.admin_token,
    )

    # then the second is a VIEWER on its next request
    assert payload(body, "updatePartnerUser")["partnerUser"]["role"] == "VIEWER"
    again = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(team.admin), "role": "VIEWER"}},
        token=second_token,
    )
    assert forbidden(again)


async def test_an_admin_may_demote_itself_while_another_admin_remains(client, session):
    team = await make_team(session)
    await make_user(session, team.partner, Role.ADMIN)

    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(team.admin), "role": "FINANCE"}},
        token=team.admin_token,
    )

    assert payload(body, "updatePartnerUser")["partnerUser"]["role"] == "FINANCE"


@pytest.mark.parametrize("role", ["FINANCE", "SALES", "VIEWER"])
async def test_the_last_active_admin_cannot_be_demoted(client, session, role):
    # given the only ADMIN (another partner's ADMIN and a deactivated ADMIN don't count)
    team = await make_team(session)
    gone = await make_user(session, team.partner, Role.ADMIN)
    gone_body = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(gone)}}, token=team.admin_token
    )
    assert payload(gone_body, "deactivatePartnerUser")["userErrors"] == []

    # when it tries to demote itself
    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(team.admin), "role": role}},
        token=team.admin_token,
    )

    # then
    result = payload(body, "updatePartnerUser")
    assert result["partnerUser"] is None
    assert codes(result) == [("INVALID_STATE", ["input", "role"])]
    assert "last active ADMIN" in result["userErrors"][0]["message"]
    assert await audit_events(session, "partner_user.update") == []


async def test_the_last_admin_may_still_be_renamed(client, session):
    team = await make_team(session)

    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(team.admin), "role": "ADMIN", "name": "Boss"}},
        token=team.admin_token,
    )

    result = payload(body, "updatePartnerUser")
    assert result["userErrors"] == []
    assert result["partnerUser"]["name"] == "Boss"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({}, [("INVALID_INPUT", ["input"])]),
        ({"name": ""}, [("INVALID_INPUT", ["input", "name"])]),
        ({"name": "y" * 101}, [("INVALID_INPUT", ["input", "name"])]),
    ],
)
async def test_bad_input_is_refused(client, session, fields, expected):
    team = await make_team(session)

    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(team.users[Role.SALES]), **fields}},
        token=team.admin_token,
    )

    assert codes(payload(body, "updatePartnerUser")) == expected


async def test_another_partners_user_a_missing_one_and_a_wrong_id_read_the_same(client, session):
    team = await make_team(session)
    ids = [
        uid(team.other_admin),
        global_id("PartnerUser", 10**9),
        global_id("Customer", team.users[Role.SALES].id),
    ]

    answers = [
        payload(
            await gql(
                client,
                UPDATE_USER,
                {"input": {"userId": user_id, "role": "VIEWER"}},
                token=team.admin_token,
            ),
            "updatePartnerUser",
        )
        for user_id in ids
    ]

    assert {str(a) for a in answers} == {str(answers[0])}
    assert codes(answers[0]) == [("NOT_FOUND", ["input", "userId"])]
    other = await reread(session, type(team.other_admin), team.other_admin.id)
    assert other.role is Role.ADMIN


async def test_a_deactivated_user_cannot_be_changed(client, session):
    team = await make_team(session)
    sales = team.users[Role.SALES]
    await gql(client, DEACTIVATE_USER, {"input": {"userId": uid(sales)}}, token=team.admin_token)

    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(sales), "role": "ADMIN"}},
        token=team.admin_token,
    )

    assert codes(payload(body, "updatePartnerUser")) == [("INVALID_STATE", ["input", "userId"])]


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_only_an_admin_changes_users(client, session, role):
    team = await make_team(session)

    body = await gql(
        client,
        UPDATE_USER,
        {"input": {"userId": uid(team.users[role]), "role": "ADMIN"}},
        token=team.tokens[role],
    )

    assert forbidden(body)
