"""`revokeApiToken`: an ADMIN revokes a token; it answers 401 from the next request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import ApiToken
from app.models.partners.enums import Role
from app.services.partners.tokens import hash_token
from tests.conftest import NOW
from tests.factories import customer_token, global_id, gql, iso, make_customer, platform_token
from tests.partners.user_token_helpers import (
    REVOKE_TOKEN,
    audit_events,
    codes,
    forbidden,
    issue,
    make_team,
    payload,
    status_of,
)


async def _token_id(session, raw: str) -> str:
    row_id = await session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(raw)))
    return global_id("ApiToken", row_id)


async def test_a_revoked_token_is_refused_at_once_with_a_clear_message(client, session):
    # given a VIEWER's token, in use
    team = await make_team(session)
    issued = await issue(client, team.admin_token, team.users[Role.VIEWER], label="old")
    assert await status_of(client, issued["token"]) == (200, None)

    # when
    body = await gql(
        client,
        REVOKE_TOKEN,
        {"input": {"tokenId": issued["apiToken"]["id"]}},
        token=team.admin_token,
    )

    # then
    result = payload(body, "revokeApiToken")
    assert result["userErrors"] == []
    assert result["apiToken"]["revokedAt"] == iso(NOW)
    assert result["apiToken"]["status"] == "REVOKED"
    assert await status_of(client, issued["token"]) == (401, "The token has been revoked.")
    # the user's other token is untouched
    assert await status_of(client, team.tokens[Role.VIEWER]) == (200, None)
    [event] = await audit_events(session, "api_token.revoke")
    assert event.before == {"revoked_at": None}
    assert event.after["user_id"] == team.users[Role.VIEWER].id


async def test_an_admin_may_revoke_the_token_it_calls_with(client, session):
    team = await make_team(session)

    body = await gql(
        client,
        REVOKE_TOKEN,
        {"input": {"tokenId": await _token_id(session, team.admin_token)}},
        token=team.admin_token,
    )

    assert payload(body, "revokeApiToken")["userErrors"] == []
    assert (await status_of(client, team.admin_token))[0] == 401


async def test_revoking_twice_is_refused(client, session):
    team = await make_team(session)
    token_id = await _token_id(session, team.tokens[Role.SALES])
    await gql(client, REVOKE_TOKEN, {"input": {"tokenId": token_id}}, token=team.admin_token)

    body = await gql(client, REVOKE_TOKEN, {"input": {"tokenId": token_id}}, token=team.admin_token)

    assert codes(payload(body, "revokeApiToken")) == [("INVALID_STATE", ["input", "tokenId"])]
    assert len(await audit_events(session, "api_token.revoke")) == 1


async def test_other_tenants_customers_and_platform_tokens_read_as_missing(client, session):
    # given tokens the partner's ADMIN must not touch
    team = await make_team(session)
    customer = await make_customer(session, team.partner)
    foreign = [
        team.other_token,
        await customer_token(session, customer),
        await platform_token(session),
    ]
    ids = [await _token_id(session, raw) for raw in foreign] + [global_id("ApiToken", 10**9)]

    # when
    answers = [
        payload(
            await gql(client, REVOKE_TOKEN, {"input": {"tokenId": i}}, token=team.admin_token),
            "revokeApiToken",
        )
        for i in ids
    ]

    # then every answer is the same NOT_FOUND, and every token still works
    assert all(a == answers[-1] for a in answers)
    assert codes(answers[-1]) == [("NOT_FOUND", ["input", "tokenId"])]
    for raw in foreign:
        assert (await status_of(client, raw))[0] == 200


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_only_an_admin_revokes_tokens(client, session, role):
    team = await make_team(session)
    own = await _token_id(session, team.tokens[role])

    body = await gql(client, REVOKE_TOKEN, {"input": {"tokenId": own}}, token=team.tokens[role])

    assert forbidden(body)
    assert await status_of(client, team.tokens[role]) == (200, None)
