"""`apiTokens`: the partner's users' tokens for an ADMIN, newest first, never the secret."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.partners.enums import Role
from tests.factories import customer_token, gql, iso, make_customer, platform_token
from tests.partners.user_token_helpers import (
    API_TOKENS,
    REVOKE_TOKEN,
    forbidden,
    issue,
    make_team,
    uid,
)


async def test_lists_the_partners_tokens_newest_first_with_their_state(
    client, session, frozen_clock
):
    # given the team's four tokens (one per role), then three more made an hour apart
    team = await make_team(session)
    await customer_token(session, await make_customer(session, team.partner))
    await platform_token(session)
    made = []
    for label, expiry in (("bi", None), ("short", timedelta(minutes=30)), ("old", None)):
        frozen_clock.advance(timedelta(hours=1))
        fields = {"label": label}
        if expiry is not None:
            fields["expiresAt"] = iso(frozen_clock.now() + expiry)
        made.append(await issue(client, team.admin_token, team.users[Role.VIEWER], **fields))
    await gql(
        client,
        REVOKE_TOKEN,
        {"input": {"tokenId": made[2]["apiToken"]["id"]}},
        token=team.admin_token,
    )
    frozen_clock.advance(timedelta(hours=1))

    # when
    body = await gql(client, API_TOKENS, {"first": 3}, token=team.admin_token)

    # then: only the partner's user tokens (4 + 3; not the customer's nor the platform's),
    # newest first
    tokens = body["data"]["apiTokens"]
    assert tokens["totalCount"] == 7
    assert [n["label"] for n in tokens["nodes"]] == ["old", "short", "bi"]
    assert [n["status"] for n in tokens["nodes"]] == ["REVOKED", "EXPIRED", "ACTIVE"]
    assert tokens["nodes"][2]["user"]["id"] == uid(team.users[Role.VIEWER])
    # the admin's own token has been used (by the calls above), the new ones not
    rest = await gql(
        client,
        API_TOKENS,
        {"first": 10, "after": tokens["pageInfo"]["endCursor"]},
        token=team.admin_token,
    )
    nodes = rest["data"]["apiTokens"]["nodes"]
    assert len(nodes) == 4
    admin = [n for n in nodes if n["user"]["id"] == uid(team.admin)]
    assert admin[0]["lastUsedAt"] is not None
    assert all(n["lastUsedAt"] is None for n in tokens["nodes"])


async def test_filters_by_user_and_status(client, session):
    team = await make_team(session)
    issued = await issue(client, team.admin_token, team.users[Role.SALES], label="crm")

    by_user = await gql(
        client,
        API_TOKENS,
        {"filter": {"userId": uid(team.users[Role.SALES])}},
        token=team.admin_token,
    )
    active = await gql(
        client, API_TOKENS, {"filter": {"statuses": ["ACTIVE"]}}, token=team.admin_token
    )
    revoked = await gql(
        client,
        API_TOKENS,
        {"filter": {"statuses": ["REVOKED", "EXPIRED"]}},
        token=team.admin_token,
    )
    foreign = await gql(
        client,
        API_TOKENS,
        {"filter": {"userId": uid(team.other_admin)}},
        token=team.admin_token,
    )

    assert by_user["data"]["apiTokens"]["totalCount"] == 2
    assert issued["apiToken"]["id"] in {n["id"] for n in by_user["data"]["apiTokens"]["nodes"]}
    assert active["data"]["apiTokens"]["totalCount"] == 5
    assert revoked["data"]["apiTokens"]["totalCount"] == 0
    assert foreign["data"]["apiTokens"]["totalCount"] == 0


async def test_a_malformed_user_id_in_the_filter_is_bad_user_input(client, session):
    team = await make_team(session)

    body = await gql(client, API_TOKENS, {"filter": {"userId": "nope"}}, token=team.admin_token)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_node_shows_a_token_to_its_partners_admin_only(client, session):
    team = await make_team(session)
    issued = await issue(client, team.admin_token, team.users[Role.FINANCE])
    query = "query($id: ID!) { node(id: $id) { ... on ApiToken { id label user { id } } } }"
    variables = {"id": issued["apiToken"]["id"]}

    mine = await gql(client, query, variables, token=team.admin_token)
    finance = await gql(client, query, variables, token=team.tokens[Role.FINANCE])
    theirs = await gql(client, query, variables, token=team.other_token)

    assert mine["data"]["node"]["id"] == issued["apiToken"]["id"]
    assert finance["data"]["node"] is None
    assert theirs["data"]["node"] is None


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_only_an_admin_lists_tokens(client, session, role):
    team = await make_team(session)

    assert forbidden(await gql(client, API_TOKENS, token=team.tokens[role]))


def test_the_schema_never_exposes_a_secret_on_the_token_type():
    from app.schema import schema

    fields = set(schema._schema.type_map["ApiToken"].fields)  # type: ignore[attr-defined]
    assert not fields & {"token", "tokenHash", "hash", "secret"}
