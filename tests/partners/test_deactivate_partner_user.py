"""`deactivatePartnerUser`: a user's access ends at once, for good; the partner keeps an
ADMIN."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import ApiToken
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import global_id, gql, iso, make_user, token_for
from tests.partners.user_token_helpers import (
    API_TOKENS,
    DEACTIVATE_USER,
    audit_events,
    codes,
    forbidden,
    issue,
    make_team,
    payload,
    reread_user,
    status_of,
    uid,
)


async def test_a_deactivated_users_tokens_stop_working_at_once(client, session):
    # given a FINANCE user with two tokens, one made through the API
    team = await make_team(session)
    finance = team.users[Role.FINANCE]
    second = (await issue(client, team.admin_token, finance, label="laptop"))["token"]
    assert await status_of(client, team.tokens[Role.FINANCE]) == (200, None)

    # when
    body = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(finance)}}, token=team.admin_token
    )

    # then
    result = payload(body, "deactivatePartnerUser")
    assert result["userErrors"] == []
    assert result["partnerUser"]["deactivatedAt"] == iso(NOW)
    for token in (team.tokens[Role.FINANCE], second):
        assert await status_of(client, token) == (401, "The token has been revoked.")
    listed = await gql(
        client, API_TOKENS, {"filter": {"userId": uid(finance)}}, token=team.admin_token
    )
    statuses = {n["status"] for n in listed["data"]["apiTokens"]["nodes"]}
    assert statuses == {"REVOKED"}
    [event] = await audit_events(session, "partner_user.deactivate")
    assert event.before["deactivated_at"] is None
    assert event.after["tokens_revoked"] == 2
    # other users keep working
    assert await status_of(client, team.tokens[Role.SALES]) == (200, None)


async def test_a_token_of_a_deactivated_user_is_refused_even_if_not_revoked(client, session):
    # given a user deactivated behind the API's back (say, by a script), its token left live
    team = await make_team(session)
    sales = team.users[Role.SALES]
    sales.deactivated_at = NOW
    await session.flush()

    # then
    assert await status_of(client, team.tokens[Role.SALES]) == (
        401,
        "The token's user has been deactivated.",
    )


async def test_an_admin_may_deactivate_itself_while_another_admin_remains(client, session):
    team = await make_team(session)
    await make_user(session, team.partner, Role.ADMIN)

    body = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(team.admin)}}, token=team.admin_token
    )

    assert payload(body, "deactivatePartnerUser")["userErrors"] == []
    assert (await status_of(client, team.admin_token))[0] == 401


async def test_the_last_active_admin_cannot_be_deactivated(client, session):
    # given the partner's only ADMIN (the other partner's ADMIN doesn't count)
    team = await make_team(session)

    # when it tries to leave
    body = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(team.admin)}}, token=team.admin_token
    )

    # then
    result = payload(body, "deactivatePartnerUser")
    assert result["partnerUser"] is None
    assert codes(result) == [("INVALID_STATE", ["input", "userId"])]
    assert (await reread_user(session, team.admin)).deactivated_at is None
    assert await status_of(client, team.admin_token) == (200, None)
    assert await audit_events(session, "partner_user.deactivate") == []


async def test_two_admins_cannot_deactivate_each_other_to_nobody(client, session):
    # given two ADMINs; the first deactivates the second
    team = await make_team(session)
    second = await make_user(session, team.partner, Role.ADMIN)
    second_token = await token_for(session, second)
    first = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(second)}}, token=team.admin_token
    )
    assert payload(first, "deactivatePartnerUser")["userErrors"] == []

    # when the second (its token now dead) tries the first, and the first itself
    late = await client.post(
        "/graphql",
        json={"query": DEACTIVATE_USER, "variables": {"input": {"userId": uid(team.admin)}}},
        headers={"Authorization": f"Bearer {second_token}"},
    )
    self_body = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(team.admin)}}, token=team.admin_token
    )

    # then
    assert late.status_code == 401
    assert codes(payload(self_body, "deactivatePartnerUser")) == [
        ("INVALID_STATE", ["input", "userId"])
    ]


async def test_deactivating_twice_is_refused(client, session):
    team = await make_team(session)
    viewer = team.users[Role.VIEWER]
    await gql(client, DEACTIVATE_USER, {"input": {"userId": uid(viewer)}}, token=team.admin_token)

    body = await gql(
        client, DEACTIVATE_USER, {"input": {"userId": uid(viewer)}}, token=team.admin_token
    )

    assert codes(payload(body, "deactivatePartnerUser")) == [("INVALID_STATE", ["input", "userId"])]
    assert len(await audit_events(session, "partner_user.deactivate")) == 1


async def test_another_partners_user_reads_as_missing_and_stays_active(client, session):
    team = await make_team(session)

    answers = [
        payload(
            await gql(
                client, DEACTIVATE_USER, {"input": {"userId": user_id}}, token=team.admin_token
            ),
            "deactivatePartnerUser",
        )
        for user_id in (uid(team.other_admin), global_id("PartnerUser", 10**9))
    ]

    assert answers[0] == answers[1]
    assert codes(answers[0]) == [("NOT_FOUND", ["input", "userId"])]
    assert (await reread_user(session, team.other_admin)).deactivated_at is None
    assert await status_of(client, team.other_token) == (200, None)
    live = await session.scalar(
        select(ApiToken.revoked_at).where(ApiToken.partner_user_id == team.other_admin.id)
    )
    assert live is None


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_only_an_admin_deactivates_users(client, session, role):
    team = await make_team(session)

    body = await gql(
        client,
        DEACTIVATE_USER,
        {"input": {"userId": uid(team.users[Role.VIEWER])}},
        token=team.tokens[role],
    )

    assert forbidden(body)
    assert (await reread_user(session, team.users[Role.VIEWER])).deactivated_at is None
