"""Without a token only documents that touch no data run: introspection and invalid ones."""

from __future__ import annotations

import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def post(client, query: str, **extra):
    return await client.post(
        "/graphql", json={"query": query, **extra}, headers={"accept": GRAPHQL_RESPONSE}
    )


@pytest.mark.parametrize(
    "query",
    [
        "{ __typename }",
        "{ __schema { queryType { name } } }",
        '{ __type(name: "Customer") { fields { name } } }',
        "query { ...Meta } fragment Meta on Query { __typename }",
        "mutation { __typename }",
    ],
)
async def test_introspection_runs_anonymously(client, query):
    response = await post(client, query)

    assert response.status_code == 200
    assert "errors" not in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "{ viewer { kind } }",
        "{ __typename viewer { kind } }",
        "query { ...Sneaky } fragment Sneaky on Query { customers { totalCount } }",
        "query { ... on Query { resources { totalCount } } }",
        'mutation { updateCustomer(input: {id: "x", remark: "y"}) { userErrors { code } } }',
    ],
)
async def test_data_needs_a_token(client, query):
    response = await post(client, query)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("query", "status"),
    [("{ __typename", 400), ("{ noSuchField }", 400), ("query Q { viewer { kind } }", 401)],
)
async def test_broken_documents_report_their_errors_without_a_token(client, query, status):
    response = await post(client, query)

    assert response.status_code == status


async def test_variables_are_coerced_anonymously(client):
    response = await post(client, "query ($n: Int!) { __typename }", variables={"n": "x"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
