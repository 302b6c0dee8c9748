"""Authentication: bearer tokens, who they stand for, and when they were last used."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import ApiToken, AuditEvent
from app.models.partners.enums import Role
from app.services.partners.tokens import hash_token
from tests.conftest import NOW
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)

VIEWER = """
query Viewer {
  viewer {
    kind
    role
    partner { id name }
    user { id name }
  }
}
"""

UPDATE_CUSTOMER = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id remark }
    userErrors { code field message }
  }
}
"""

UNKNOWN_TOKEN = "pc_" + "x" * 43


async def _post(client, headers: dict[str, str], query: str = VIEWER, variables=None):
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


def assert_unauthenticated(response, *, invalid_token: bool) -> None:
    """HTTP 401, one UNAUTHENTICATED error, no `data`, a Bearer challenge (RFC 6750)."""
    assert response.status_code == 401, response.text
    body = response.json()
    assert set(body) == {"errors"}
    [error] = body["errors"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    challenge = response.headers["www-authenticate"]
    assert challenge.split()[0] == "Bearer"
    if invalid_token:
        assert 'error="invalid_token"' in challenge
    else:  # no credentials at all: a bare challenge, no error code (RFC 6750 §3.1)
        assert "error=" not in challenge


async def _revoked_token(session) -> str:
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    row.revoked_at = NOW - timedelta(minutes=1)
    await session.flush()
    return token


async def _last_used_at(session, token: str):
    return await session.scalar(
        select(ApiToken.last_used_at)
        .where(ApiToken.token_hash == hash_token(token))
        .execution_options(populate_existing=True)
    )


# --- refused requests -------------------------------------------------------------------------


async def test_no_authorization_header(client):
    # when
    response = await _post(client, {})

    # then
    assert_unauthenticated(response, invalid_token=False)


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNzd29yZA==", "Token pc_abcdef", "pc_abcdef", "Bearer-pc_abcdef"],
)
async def test_non_bearer_scheme(client, authorization):
    response = await _post(client, {"Authorization": authorization})

    assert_unauthenticated(response, invalid_token=False)


async def test_valid_token_under_another_scheme_is_refused(client, session):
    # given
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    # when
    response = await _post(client, {"Authorization": f"Token {token}"})

    # then
    assert_unauthenticated(response, invalid_token=False)


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer ", "Bearer    "])
async def test_empty_token(client, authorization):
    response = await _post(client, {"Authorization": authorization})

    assert_unauthenticated(response, invalid_token=False)


@pytest.mark.parametrize("token", [UNKNOWN_TOKEN, "not-even-our-format", "pc_" + "a" * 300])
async def test_unknown_token(client, token):
    response = await _post(client, {"Authorization": f"Bearer {token}"})

    assert_unauthenticated(response, invalid_token=True)


async def test_revoked_token(client, session):
    # given
    token = await _revoked_token(session)

    # when
    response = await _post(client, {"Authorization": f"Bearer {token}"})

    # then
    assert_unauthenticated(response, invalid_token=True)


async def test_unauthenticated_with_graphql_response_media_type(client):
    # when
    response = await client.post(
        "/graphql",
        json={"query": VIEWER},
        headers={
            "Authorization": f"Bearer {UNKNOWN_TOKEN}",
            "Accept": "application/graphql-response+json",
        },
    )

    # then
    assert_unauthenticated(response, invalid_token=True)
    assert response.headers["content-type"].startswith("application/graphql-response+json")


async def test_gql_helper_sees_unauthenticated_as_401(client):
    body = await gql(client, VIEWER, token=UNKNOWN_TOKEN, expect_status=401)

    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_revoked_token_mutation_changes_nothing(client, session):
    # given
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    token = await _revoked_token(session)

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", customer.id), "remark": "hijacked"}},
        token=token,
        expect_status=401,
    )

    # then
    assert "data" not in body
    await session.refresh(customer)
    assert customer.remark == ""
    assert (
        await session.scalar(select(AuditEvent).where(AuditEvent.object_id == customer.id))
    ) is None


async def test_missing_token_mutation_changes_nothing(client, session):
    # given
    partner = await make_partner(session)
    customer = await make_customer(session, partner)

    # when
    response = await _post(
        client,
        {},
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", customer.id), "remark": "anonymous"}},
    )

    # then
    assert_unauthenticated(response, invalid_token=False)
    await session.refresh(customer)
    assert customer.remark == ""


# --- accepted tokens --------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
async def test_partner_user_token(client, session, role):
    # given
    partner = await make_partner(session, name="Acme Cloud Partner")
    user = await make_user(session, partner, role, name=f"Ada {role.value}")
    token = await token_for(session, user)

    # when
    body = await gql(client, VIEWER, token=token)

    # then
    assert "errors" not in body
    assert body["data"]["viewer"] == {
        "kind": "PARTNER_USER",
        "role": role.value,
        "partner": {"id": global_id("Partner", partner.id), "name": "Acme Cloud Partner"},
        "user": {"id": global_id("PartnerUser", user.id), "name": f"Ada {role.value}"},
    }


async def test_customer_token(client, session):
    # given
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    token = await customer_token(session, customer)

    # when
    body = await gql(client, VIEWER, token=token)

    # then
    assert "errors" not in body
    assert body["data"]["viewer"] == {
        "kind": "CUSTOMER",
        "role": None,
        "partner": None,
        "user": None,
    }


async def test_platform_token(client, session):
    # given
    token = await platform_token(session)

    # when
    body = await gql(client, VIEWER, token=token)

    # then
    assert "errors" not in body
    assert body["data"]["viewer"] == {
        "kind": "PLATFORM",
        "role": None,
        "partner": None,
        "user": None,
    }


async def test_scheme_is_case_insensitive(client, session):
    # given
    partner = await make_partner(session)
    user = await make_user(session, partner, Role.VIEWER)
    token = await token_for(session, user)

    # when
    response = await _post(client, {"Authorization": f"bearer {token}"})

    # then
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["kind"] == "PARTNER_USER"


async def test_each_token_stands_for_its_own_user(client, session):
    # given
    partner = await make_partner(session)
    first = await make_user(session, partner, Role.ADMIN)
    second = await make_user(session, partner, Role.VIEWER)
    first_token = await token_for(session, first)
    second_token = await token_for(session, second)

    # when
    first_body = await gql(client, VIEWER, token=first_token)
    second_body = await gql(client, VIEWER, token=second_token)

    # then
    assert first_body["data"]["viewer"]["user"]["id"] == global_id("PartnerUser", first.id)
    assert second_body["data"]["viewer"]["user"]["id"] == global_id("PartnerUser", second.id)
    assert second_body["data"]["viewer"]["role"] == "VIEWER"


# --- lastUsedAt -------------------------------------------------------------------------------


async def test_last_used_at_is_recorded(client, session):
    # given
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.VIEWER))
    assert await _last_used_at(session, token) is None

    # when (the write runs in a background task, which the ASGI transport awaits)
    await gql(client, VIEWER, token=token)

    # then
    assert await _last_used_at(session, token) == NOW


async def test_last_used_at_is_recorded_for_customer_and_platform(client, session):
    # given
    partner = await make_partner(session)
    tokens = [
        await customer_token(session, await make_customer(session, partner)),
        await platform_token(session),
    ]

    # when
    for token in tokens:
        await gql(client, VIEWER, token=token)

    # then
    for token in tokens:
        assert await _last_used_at(session, token) == NOW


async def test_last_used_at_is_written_at_most_once_per_resolution(
    client, session, settings, frozen_clock
):
    # given
    resolution = timedelta(seconds=settings.token_last_used_resolution_seconds)
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.VIEWER))
    await gql(client, VIEWER, token=token)

    # when: a second request within the resolution
    frozen_clock.set(NOW + resolution - timedelta(seconds=1))
    await gql(client, VIEWER, token=token)

    # then
    assert await _last_used_at(session, token) == NOW

    # when: a request once the resolution has passed
    frozen_clock.set(NOW + resolution)
    await gql(client, VIEWER, token=token)

    # then
    assert await _last_used_at(session, token) == NOW + resolution


async def test_refused_token_is_not_touched(client, session):
    # given
    token = await _revoked_token(session)

    # when
    await gql(client, VIEWER, token=token, expect_status=401)

    # then
    assert await _last_used_at(session, token) is None


async def test_last_used_at_of_other_tokens_is_untouched(client, session):
    # given
    partner = await make_partner(session)
    user = await make_user(session, partner, Role.ADMIN)
    used = await token_for(session, user)
    unused = await token_for(session, user)

    # when
    await gql(client, VIEWER, token=used)

    # then
    assert await _last_used_at(session, used) == NOW
    assert await _last_used_at(session, unused) is None
