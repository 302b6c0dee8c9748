"""`createApiToken`: an ADMIN issues a token for one of its partner's users, shown once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import ApiToken
from app.models.partners.enums import Role
from app.services.partners.tokens import hash_token
from tests.conftest import NOW
from tests.factories import customer_token, global_id, gql, iso, make_customer, platform_token
from tests.partners.user_token_helpers import (
    API_TOKENS,
    CREATE_TOKEN,
    DEACTIVATE_USER,
    audit_events,
    codes,
    forbidden,
    issue,
    make_team,
    payload,
    status_of,
    uid,
)


async def test_the_token_is_returned_once_stored_hashed_and_works(client, session):
    # given
    team = await make_team(session)
    viewer = team.users[Role.VIEWER]
    expires = NOW + timedelta(days=90)

    # when
    result = await issue(
        client, team.admin_token, viewer, label=" BI tool ", expiresAt=iso(expires)
    )

    # then
    assert result["userErrors"] == []
    raw = result["token"]
    assert raw.startswith("pc_") and len(raw) > 40
    token = result["apiToken"]
    assert token["label"] == "BI tool"
    assert token["expiresAt"] == iso(expires)
    assert token["createdAt"] == iso(NOW)
    assert token["lastUsedAt"] is None and token["revokedAt"] is None
    assert token["status"] == "ACTIVE"
    assert token["user"] == {"id": uid(viewer), "name": viewer.name}
    stored = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    assert stored is not None and stored.partner_user_id == viewer.id
    assert raw not in str(stored.__dict__)
    viewer_body = await gql(client, "{ viewer { role user { id } } }", token=raw)
    assert viewer_body["data"]["viewer"] == {"role": "VIEWER", "user": {"id": uid(viewer)}}
    # the list never shows the secret again
    listed = await client.post(
        "/graphql",
        json={"query": API_TOKENS},
        headers={"Authorization": f"Bearer {team.admin_token}"},
    )
    assert raw not in listed.text and stored.token_hash not in listed.text
    [event] = await audit_events(session, "api_token.create")
    assert event.object_id == stored.id and event.after["user_id"] == viewer.id
    assert raw not in str(event.after) and stored.token_hash not in str(event.after)


async def test_without_expiry_and_label_the_token_lives_until_revoked(client, session):
    team = await make_team(session)

    result = await issue(client, team.admin_token, team.users[Role.SALES])

    assert result["apiToken"]["expiresAt"] is None
    assert result["apiToken"]["label"] == ""
    assert await status_of(client, result["token"]) == (200, None)


async def test_an_expiry_at_the_bound_is_accepted(client, session):
    team = await make_team(session)

    result = await issue(
        client, team.admin_token, team.admin, expiresAt=iso(NOW + timedelta(days=366))
    )

    assert result["userErrors"] == []


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"expiresAt": iso(NOW)}, [("INVALID_INPUT", ["input", "expiresAt"])]),
        ({"expiresAt": iso(NOW - timedelta(days=1))}, [("INVALID_INPUT", ["input", "expiresAt"])]),
        (
            {"expiresAt": iso(NOW + timedelta(days=366, seconds=1))},
            [("INVALID_INPUT", ["input", "expiresAt"])],
        ),
        ({"label": "z" * 101}, [("INVALID_INPUT", ["input", "label"])]),
        (
            {"label": "z" * 101, "expiresAt": iso(NOW)},
            [("INVALID_INPUT", ["input", "label"]), ("INVALID_INPUT", ["input", "expiresAt"])],
        ),
    ],
)
async def test_bad_expiry_and_label_are_refused_and_nothing_is_stored(
    client, session, fields, expected
):
    team = await make_team(session)
    before = await session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1))

    result = await issue(client, team.admin_token, team.users[Role.SALES], **fields)

    assert result["token"] is None and result["apiToken"] is None
    assert codes(result) == expected
    after = await session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1))
    assert after == before
    assert await audit_events(session, "api_token.create") == []


async def test_another_partners_user_and_a_missing_one_read_the_same(client, session):
    team = await make_team(session)

    answers = [
        payload(
            await gql(client, CREATE_TOKEN, {"input": {"userId": user_id}}, token=team.admin_token),
            "createApiToken",
        )
        for user_id in (uid(team.other_admin), global_id("PartnerUser", 10**9))
    ]

    assert answers[0] == answers[1]
    assert codes(answers[0]) == [("NOT_FOUND", ["input", "userId"])]
    assert answers[0]["token"] is None


async def test_a_deactivated_user_gets_no_token(client, session):
    team = await make_team(session)
    sales = team.users[Role.SALES]
    await gql(client, DEACTIVATE_USER, {"input": {"userId": uid(sales)}}, token=team.admin_token)

    result = await issue(client, team.admin_token, sales)

    assert codes(result) == [("INVALID_STATE", ["input", "userId"])]
    assert result["token"] is None


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_only_an_admin_issues_tokens_even_for_itself(client, session, role):
    team = await make_team(session)

    body = await gql(
        client, CREATE_TOKEN, {"input": {"userId": uid(team.users[role])}}, token=team.tokens[role]
    )

    assert forbidden(body)


async def test_customers_and_the_platform_cannot_issue_tokens(client, session):

    team = await make_team(session)
    customer = await make_customer(session, team.partner)
    for token in (await customer_token(session, customer), await platform_token(session)):
        body = await gql(client, CREATE_TOKEN, {"input": {"userId": uid(team.admin)}}, token=token)
        assert forbidden(body)
