"""Token expiry: a token with `expiresAt` works until then and is 401 from that instant, on
/graphql and on the exports alike (one bearer check)."""

from __future__ import annotations

from datetime import timedelta

from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import gql, iso
from tests.partners.user_token_helpers import API_TOKENS, REVOKE_TOKEN, issue, make_team, status_of

EXPORT = "/exports/consumption-details.ndjson"


async def test_an_expired_token_is_401_with_a_clear_message(client, session, frozen_clock):
    # given a token valid for one hour
    team = await make_team(session)
    issued = await issue(
        client,
        team.admin_token,
        team.users[Role.VIEWER],
        expiresAt=iso(NOW + timedelta(hours=1)),
    )
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert await status_of(client, issued["token"]) == (200, None)
    assert (await client.get(EXPORT, headers=headers)).status_code == 200

    # when its hour is up
    frozen_clock.advance(timedelta(hours=1))

    # then
    assert await status_of(client, issued["token"]) == (401, "The token has expired.")
    export = await client.get(EXPORT, headers=headers)
    assert export.status_code == 401
    assert export.json()["errors"][0]["message"] == "The token has expired."
    assert 'error="invalid_token"' in export.headers["www-authenticate"]
    listed = await gql(
        client, API_TOKENS, {"filter": {"statuses": ["EXPIRED"]}}, token=team.admin_token
    )
    assert [n["id"] for n in listed["data"]["apiTokens"]["nodes"]] == [issued["apiToken"]["id"]]


async def test_a_token_works_up_to_its_last_second(client, session, frozen_clock):
    team = await make_team(session)
    issued = await issue(
        client, team.admin_token, team.admin, expiresAt=iso(NOW + timedelta(minutes=5))
    )

    frozen_clock.advance(timedelta(minutes=5) - timedelta(seconds=1))

    assert await status_of(client, issued["token"]) == (200, None)


async def test_a_revoked_token_that_also_expired_says_revoked(client, session, frozen_clock):
    team = await make_team(session)
    issued = await issue(
        client, team.admin_token, team.admin, expiresAt=iso(NOW + timedelta(minutes=5))
    )
    await gql(
        client,
        REVOKE_TOKEN,
        {"input": {"tokenId": issued["apiToken"]["id"]}},
        token=team.admin_token,
    )

    frozen_clock.advance(timedelta(hours=1))

    assert await status_of(client, issued["token"]) == (401, "The token has been revoked.")


async def test_an_unknown_token_still_says_unknown(client):
    assert await status_of(client, "pc_" + "q" * 43) == (401, "The token is unknown.")
