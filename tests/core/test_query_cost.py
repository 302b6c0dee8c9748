"""Query cost (Shopify's model) and the per-token throttle."""

from __future__ import annotations

import pytest

from app.http import throttle as throttle_module
from app.models.partners.enums import Role
from tests.factories import make_partner, make_user, token_for

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
async def token(session):
    partner = await make_partner(session)
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


async def post(client, token, query, variables=None, accept="application/json"):
    return await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}", "accept": accept},
    )


@pytest.mark.parametrize(
    ("query", "requested"),
    [
        ("{ viewer { kind } }", 1),
        ("{ viewer { kind partner { name } } }", 2),
        ("{ customers(first: 10) { totalCount } }", 2),
        ("{ customers(first: 10) { nodes { id name } } }", 2 + 10 * 1),
        ("{ customers(first: 10) { edges { cursor node { id } } } }", 2 + 10 * 1),
        ("{ customers(first: 10) { nodes { accountManager { name } } } }", 2 + 10 * 2),
        (
            "{ customers(first: 10) { nodes { id resources(first: 5) { nodes { id } } } } }",
            2 + 10 * (1 + 2 + 5 * 1),
        ),
        ("{ customers { nodes { id } } }", 2 + 20 * 1),
        # value objects (Money, CustomerAccount, PageInfo) cost 0, like scalars
        (
            "{ customers(first: 10) { pageInfo { endCursor } "
            "nodes { account { balance { amount } arrears { amount } } } } }",
            2 + 10 * 1,
        ),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', 3),
        # introspection has a fixed cost (INTROSPECTION_COST), whatever it selects
        ("{ __schema { types { name } } }", 10),
        ("{ __schema { types { name fields { name type { name } } } } }", 10),
        ('{ __type(name: "Customer") { name } __typename }', 10),
        ('mutation { updateCustomer(input: {id: "x", remark: "y"}) { userErrors { code } } }', 11),
    ],
)
async def test_requested_cost(client, token, query, requested):
    response = await post(client, token, query)

    cost = response.json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == requested
    assert cost["actualQueryCost"] <= requested
    assert cost["throttleStatus"]["maximumAvailable"] == 1000
    assert cost["throttleStatus"]["restoreRate"] == 50


async def test_cost_follows_variables(client, token):
    query = "query($n: Int) { customers(first: $n) { nodes { id } } }"

    response = await post(client, token, query, {"n": 40})

    assert response.json()["extensions"]["cost"]["requestedQueryCost"] == 42


async def test_actual_cost_counts_what_came_back(client, token):
    response = await post(client, token, "{ customers(first: 50) { nodes { id } } }")

    cost = response.json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 52
    assert cost["actualQueryCost"] == 2  # an empty page


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
async def test_too_costly_queries_are_refused(client, token, accept):
    query = "{ customers(first: 100) { nodes { resources(first: 100) { nodes { id } } } } }"

    response = await post(client, token, query, accept=accept)

    assert response.status_code == (400 if accept == GRAPHQL_RESPONSE else 200)
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 + 100 * (1 + 2 + 100)


async def test_an_empty_bucket_throttles_until_it_refills(client, session, token, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(throttle_module.time, "monotonic", lambda: now[0])
    budget = client._transport.app.state.endpoint.budget  # the app's throttle
    budget.throttle.spend(f"token:{await _token_id(session, token)}", 950)

    refused = await post(client, token, "{ customers(first: 99) { nodes { id } } }")
    now[0] += 2  # 100 points back
    allowed = await post(client, token, "{ customers(first: 99) { nodes { id } } }")

    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert int(refused.headers["retry-after"]) >= 1
    assert allowed.status_code == 200


async def _token_id(session, token: str) -> int:
    from sqlalchemy import select

    from app.models import ApiToken
    from app.services.partners.tokens import hash_token

    return await session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(token)))
