"""GraphQL over HTTP: media types, status codes, GET, request ids, masking."""

from __future__ import annotations

import json

import pytest

from app.models.partners.enums import Role
from app.services.customers import customers as customer_service
from tests.factories import make_customer, make_partner, make_user, token_for

VIEWER = "{ viewer { kind role } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
async def token(session):
    partner = await make_partner(session)
    user = await make_user(session, partner, Role.ADMIN)
    return await token_for(session, user)


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


async def test_post_json_answers_application_json_by_default(client, token):
    response = await client.post("/graphql", json={"query": VIEWER}, headers=auth(token))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"] == {"viewer": {"kind": "PARTNER_USER", "role": "ADMIN"}}
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1


async def test_graphql_response_json_when_accepted(client, token):
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers=auth(token, accept=GRAPHQL_RESPONSE)
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_preferred_media_type_follows_quality(client, token):
    accept = f"application/json;q=0.9, {GRAPHQL_RESPONSE};q=0.5"
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers=auth(token, accept=accept)
    )

    assert response.headers["content-type"].startswith("application/json")


async def test_unacceptable_media_type_is_406(client, token):
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers=auth(token, accept="text/csv")
    )

    assert response.status_code == 406


@pytest.mark.parametrize("document", ["{ viewer { kind ", "{ noSuchField }", "query { viewer }"])
async def test_parse_and_validation_failures_are_400_with_graphql_response(client, token, document):
    response = await client.post(
        "/graphql", json={"query": document}, headers=auth(token, accept=GRAPHQL_RESPONSE)
    )

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"]


async def test_parse_failure_is_200_for_legacy_json_clients(client, token):
    response = await client.post(
        "/graphql", json={"query": "{ viewer {"}, headers=auth(token, accept="application/json")
    )

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_variable_coercion_failure_is_a_request_error(client, token):
    response = await client.post(
        "/graphql",
        json={
            "query": "query($n: Int) { customers(first: $n) { totalCount } }",
            "variables": {"n": "x"},
        },
        headers=auth(token, accept=GRAPHQL_RESPONSE),
    )

    assert response.status_code == 400
    assert "data" not in response.json()


async def test_field_errors_keep_200_and_data(client, token):
    # customers is non-null, so its error nulls `data` -- which is still an executed result
    # (first and last together is refused by the resolver; an out-of-range first never runs)
    response = await client.post(
        "/graphql",
        json={"query": "{ viewer { kind } customers(first: 2, last: 2) { totalCount } }"},
        headers=auth(token, accept=GRAPHQL_RESPONSE),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["customers"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_get_runs_queries(client, token):
    response = await client.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { customers(first: $n) { totalCount } }",
            "variables": json.dumps({"n": 5}),
            "operationName": "Q",
        },
        headers=auth(token),
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"customers": {"totalCount": 0}}


async def test_get_refuses_mutations_with_405(client, token):
    response = await client.get(
        "/graphql",
        params={
            "query": 'mutation { updateCustomer(input: {id: "x", remark: "y"}) { userErrors { code } } }'  # noqa: E501
        },
        headers=auth(token),
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ({"content": b"[]", "headers": {"content-type": "application/json"}}, 400),
        ({"content": b"42", "headers": {"content-type": "application/json"}}, 400),
        ({"json": {"query": 42}}, 400),
        ({"json": {"query": VIEWER, "variables": [1]}}, 400),
        ({"json": {"query": VIEWER, "operationName": 1}}, 400),
        ({"json": {"variables": {}}}, 400),
        (
            {
                "content": b"query=%7Bviewer%7D",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
            415,
        ),
    ],
)
async def test_malformed_requests(client, token, kwargs, status):
    headers = {**kwargs.pop("headers", {}), **auth(token)}
    response = await client.post("/graphql", headers=headers, **kwargs)

    assert response.status_code == status
    assert response.json()["errors"][0]["message"]


async def test_batched_requests_are_refused(client, token):
    response = await client.post("/graphql", json=[{"query": VIEWER}], headers=auth(token))

    assert response.status_code == 400
    assert "Batched" in response.json()["errors"][0]["message"]


async def test_other_methods_are_405(client, token):
    response = await client.put("/graphql", json={"query": VIEWER}, headers=auth(token))

    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


async def test_unknown_operation_name_is_a_request_error(client, token):
    response = await client.post(
        "/graphql",
        json={
            "query": "query A { viewer { kind } } query B { viewer { role } }",
            "operationName": "C",
        },
        headers=auth(token, accept=GRAPHQL_RESPONSE),
    )

    assert response.status_code == 400


async def test_request_id_is_returned_and_accepted_from_the_client(client, token):
    fresh = await client.post("/graphql", json={"query": VIEWER}, headers=auth(token))
    supplied = await client.post(
        "/graphql",
        json={"query": VIEWER},
        headers=auth(token, **{"x-request-id": "trace-12345678"}),
    )

    assert len(fresh.headers["x-request-id"]) == 32
    assert supplied.headers["x-request-id"] == "trace-12345678"


async def test_unexpected_errors_are_masked_with_the_request_id(
    client, session, token, monkeypatch, caplog
):
    # given a bug deep in a service
    async def broken(*args, **kwargs):
        raise RuntimeError("secret connection string in here")

    monkeypatch.setattr(customer_service, "list_customers", broken)

    # when
    response = await client.post(
        "/graphql", json={"query": "{ customers { totalCount } }"}, headers=auth(token)
    )

    # then
    body = response.json()
    error = body["errors"][0]
    request_id = response.headers["x-request-id"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret" not in response.text
    assert any(request_id in record.getMessage() for record in caplog.records)


async def test_graphiql_is_served_to_browsers(client):
    response = await client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_depth_limit(client, token):
    nested = "id"
    for _ in range(4):
        nested = "customer { resources { nodes { " + nested + " } } }"
    deep = "{ customers { nodes { resources { nodes { " + nested + " } } } } }"
    response = await client.post(
        "/graphql", json={"query": deep}, headers=auth(token, accept=GRAPHQL_RESPONSE)
    )

    assert response.status_code == 400
    assert "depth" in response.json()["errors"][0]["message"]


async def test_a_customer_row_does_not_leak_into_errors(client, session, token):
    partner = await make_partner(session)
    await make_customer(session, partner)
    response = await client.post(
        "/graphql",
        json={"query": '{ customers(after: "bogus") { totalCount } }'},
        headers=auth(token),
    )

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Malformed cursor" in error["message"]


async def test_a_lone_surrogate_echoed_in_an_error_is_escaped_not_a_500(client, token):
    # JSON allows "\ud800" escapes that are not valid Unicode; the error message repeats it
    body = '{"query": "query A { viewer { kind } }", "operationName": "\\ud800"}'
    response = await client.post(
        "/graphql",
        content=body,
        headers=auth(token, accept=GRAPHQL_RESPONSE, **{"content-type": "application/json"}),
    )

    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "\ud800" in message


async def test_every_answer_says_how_long_the_server_took(client, token):
    ok = await client.post("/graphql", json={"query": VIEWER}, headers=auth(token))
    refused = await client.post("/graphql", json={"query": VIEWER})

    for response in (ok, refused):
        name, _, duration = response.headers["server-timing"].partition(";dur=")
        assert name == "app"
        assert float(duration) >= 0
