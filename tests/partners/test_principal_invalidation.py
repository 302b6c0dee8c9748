"""Whatever a principal is made of changes, its next request sees the change: with the cache
(the principal answered from the process, invalidated at once) and without it (a lookup per
request). Each test runs both ways, through the API's own mutations and through a change
flushed behind the API's back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from app.main import create_app
from app.models import ApiToken, Customer, PartnerUser
from app.models.customers.enums import AssociationType, CustomerStatus
from app.models.partners.enums import Role
from app.services.core.principal_cache import PrincipalCache
from app.services.partners.tokens import hash_token
from tests.conftest import NOW
from tests.customers.account_manager_helpers import SETTINGS
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.partners.roles_helpers import CUSTOMER
from tests.partners.user_token_helpers import (
    DEACTIVATE_USER,
    REVOKE_TOKEN,
    UPDATE_USER,
    make_team,
    payload,
    status_of,
    uid,
)

ROLE = "{ viewer { role } }"
CUSTOMERS = "{ customers(first: 50) { totalCount } }"
LISTENING_DEADLINE = 10.0  # seconds the LISTEN connection may take to come up


@dataclass
class Api:
    client: httpx.AsyncClient
    app: Starlette
    cache: PrincipalCache | None

    def holds(self, token: str) -> bool:
        """Whether the process answers `token` from its cache (without a lookup)."""
        return self.cache is not None and self.cache.get(hash_token(token)) is not None


@pytest.fixture(params=[True, False], ids=["cache", "no-cache"])
async def api(request, db, settings) -> AsyncIterator[Api]:
    app = create_app(settings.model_copy(update={"principal_cache": request.param}), database=db)
    principals = app.state.principals
    principals.start()  # what the lifespan does (the test transport runs none)
    if principals.listener is not None:
        await asyncio.wait_for(principals.listener.connected.wait(), LISTENING_DEADLINE)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(client, app, principals.cache)
    finally:
        await principals.close()


async def role_of(api: Api, token: str) -> str:
    return (await gql(api.client, ROLE, token=token))["data"]["viewer"]["role"]


async def warm(api: Api, token: str) -> None:
    """One request, so that with the cache the principal is held from here on."""
    assert await status_of(api.client, token) == (200, None)
    assert api.holds(token) == (api.cache is not None)


async def test_a_revoked_token_stops_working_at_once(api, session):
    team = await make_team(session)
    token = team.tokens[Role.FINANCE]
    await warm(api, token)
    listed = await gql(
        api.client, "{ apiTokens(first: 50) { nodes { id user { id } } } }", token=team.admin_token
    )
    [finance_token] = [
        n["id"]
        for n in listed["data"]["apiTokens"]["nodes"]
        if n["user"]["id"] == uid(team.users[Role.FINANCE])
    ]

    body = await gql(
        api.client, REVOKE_TOKEN, {"input": {"tokenId": finance_token}}, token=team.admin_token
    )

    assert payload(body, "revokeApiToken")["userErrors"] == []
    assert await status_of(api.client, token) == (401, "The token has been revoked.")
    assert await status_of(api.client, team.tokens[Role.SALES]) == (200, None)


async def test_a_token_revoked_behind_the_apis_back_stops_working(api, session):
    team = await make_team(session)
    token = team.tokens[Role.VIEWER]
    await warm(api, token)
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    row.revoked_at = NOW
    await session.flush()

    assert await status_of(api.client, token) == (401, "The token has been revoked.")


async def test_a_token_expires_on_time_from_the_cache(api, session, frozen_clock):
    team = await make_team(session)
    body = await gql(
        api.client,
        "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }",
        {"input": {"userId": uid(team.users[Role.SALES]), "expiresAt": "2026-06-15T05:00:00Z"}},
        token=team.admin_token,
    )
    token = payload(body, "createApiToken")["token"]
    await warm(api, token)

    frozen_clock.set(NOW + timedelta(hours=1))

    assert await status_of(api.client, token) == (401, "The token has expired.")


async def test_a_deactivated_users_token_stops_working_at_once(api, session):
    team = await make_team(session)
    token = team.tokens[Role.FINANCE]
    await warm(api, token)

    body = await gql(
        api.client,
        DEACTIVATE_USER,
        {"input": {"userId": uid(team.users[Role.FINANCE])}},
        token=team.admin_token,
    )

    assert payload(body, "deactivatePartnerUser")["userErrors"] == []
    assert (await status_of(api.client, token))[0] == 401


async def test_a_user_deactivated_and_reactivated_behind_the_apis_back(api, session):
    team = await make_team(session)
    sales = team.users[Role.SALES]
    token = team.tokens[Role.SALES]
    await warm(api, token)

    sales.deactivated_at = NOW
    await session.flush()
    refused = await status_of(api.client, token)
    sales.deactivated_at = None
    await session.flush()

    assert refused == (401, "The token's user has been deactivated.")
    assert await status_of(api.client, token) == (200, None)


async def test_a_new_role_applies_from_the_next_request(api, session):
    team = await make_team(session)
    viewer = team.users[Role.VIEWER]
    token = team.tokens[Role.VIEWER]
    await warm(api, token)

    body = await gql(
        api.client,
        UPDATE_USER,
        {"input": {"userId": uid(viewer), "role": "FINANCE"}},
        token=team.admin_token,
    )
    assert payload(body, "updatePartnerUser")["userErrors"] == []
    promoted = await role_of(api, token)
    await session.refresh(viewer)
    viewer.role = Role.VIEWER  # and back, behind the API's back
    await session.flush()

    assert promoted == "FINANCE"
    assert await role_of(api, token) == "VIEWER"


async def test_the_partners_setting_applies_from_the_next_request(api, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales_user = await make_user(session, partner, Role.SALES)
    admin_token, sales = await token_for(session, admin), await token_for(session, sales_user)
    await make_customer(session, partner, manager=sales_user)
    await make_customer(session, partner)
    await warm(api, sales)
    before = await gql(api.client, CUSTOMERS, token=sales)

    allowed = await gql(api.client, SETTINGS, {"value": True}, token=admin_token)
    after = await gql(api.client, CUSTOMERS, token=sales)
    await session.refresh(partner)
    partner.sales_see_all_customers = False  # taken back behind the API's back
    await session.flush()
    again = await gql(api.client, CUSTOMERS, token=sales)

    assert allowed["data"]["updatePartnerSettings"]["userErrors"] == []
    assert [before, after, again] == [{"data": {"customers": {"totalCount": n}}} for n in (1, 2, 1)]


async def former_row(session, partner, cloud_account_id: int) -> Customer:
    """An ended association of `cloud_account_id` with `partner` (what a switch leaves)."""
    row = Customer(
        partner_id=partner.id,
        cloud_account_id=cloud_account_id,
        name="Former Co., Ltd.",
        account_name="former",
        association_type=AssociationType.RESELLER,
        status=CustomerStatus.ACTIVE,
        associated_at=NOW - timedelta(days=90),
        ended_at=NOW - timedelta(days=1),
        labels=[],
        remark="",
    )
    session.add(row)
    await session.flush()
    return row


async def test_a_customers_new_association_is_seen_from_the_next_request(api, session):
    # given a customer principal in use
    partner, elsewhere = await make_partner(session), await make_partner(session)
    current = await make_customer(session, partner)
    token = await customer_token(session, current)
    await warm(api, token)

    # when its cloud account gets another customer row (with another partner)
    row = await former_row(session, elsewhere, current.cloud_account_id)
    seen = await gql(api.client, CUSTOMER, {"id": global_id("Customer", row.id)}, token=token)

    # then
    assert seen["data"]["customer"] == {"id": global_id("Customer", row.id)}


async def test_a_customer_row_moved_between_cloud_accounts_moves_with_it(api, session):
    # given two customer principals in use, and a row of the first one's cloud account
    partner, elsewhere = await make_partner(session), await make_partner(session)
    first, second = await make_customer(session, partner), await make_customer(session, partner)
    tokens = [await customer_token(session, c) for c in (first, second)]
    row = await former_row(session, elsewhere, first.cloud_account_id)
    for token in tokens:
        await warm(api, token)
    query = {"id": global_id("Customer", row.id)}
    before = [(await gql(api.client, CUSTOMER, query, token=t))["data"] for t in tokens]

    # when the row is moved to the second one's cloud account
    row.cloud_account_id = second.cloud_account_id
    await session.flush()
    after = [(await gql(api.client, CUSTOMER, query, token=t))["data"] for t in tokens]

    # then
    assert before == [{"customer": query}, {"customer": None}]
    assert after == [{"customer": None}, {"customer": query}]


async def test_a_rolled_back_change_changes_nothing(api, session, db):
    # given a principal in use
    team = await make_team(session)
    token = team.tokens[Role.VIEWER]
    await warm(api, token)

    # when a unit of work re-roles its user and rolls back
    other = db.session(write=True)
    user = await other.get(PartnerUser, (team.partner.id, team.users[Role.VIEWER].id))
    user.role = Role.ADMIN
    await other.flush()
    await other.end(commit=False)

    # then it keeps its role (with the cache: looked up again, and stored again)
    assert await role_of(api, token) == "VIEWER"
    assert api.holds(token) == (api.cache is not None)
