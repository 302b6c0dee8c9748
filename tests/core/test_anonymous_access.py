"""Anonymous callers reach nothing but introspection, whatever the document's shape.

Generated from the schema: every query field and every mutation, called without a token in
every shape a document can hide a field in (alias, named and nested fragments, inline
fragment, beside `__typename`, a second operation, a skipped field), is refused before
execution with 401 UNAUTHENTICATED: the schema is never executed and no SQL statement is
sent. New fields are covered automatically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)

from app.schema import schema
from tests.factories import make_partner
from tests.lifecycle.factories import make_invitation

GRAPHQL_RESPONSE = "application/graphql-response+json"
ROOTS: list[tuple[str, GraphQLObjectType]] = [
    ("query", schema._schema.query_type),  # type: ignore[list-item]
    ("mutation", schema._schema.mutation_type),  # type: ignore[list-item]
]
FIELDS = [(op, name, field) for op, root in ROOTS for name, field in root.fields.items()]


def _call(name: str, field: GraphQLField) -> tuple[str, str]:
    """The variable definitions and the field's selection, every required argument a variable."""
    required = [
        (arg_name, arg)
        for arg_name, arg in field.args.items()
        if is_non_null_type(arg.type) and arg.default_value is Undefined
    ]
    variables = ", ".join(f"$v{i}: {arg.type}" for i, (_, arg) in enumerate(required))
    arguments = ", ".join(f"{arg_name}: $v{i}" for i, (arg_name, _) in enumerate(required))
    selection = name + (f"({arguments})" if arguments else "")
    if not is_leaf_type(get_named_type(field.type)):
        selection += " { __typename }"
    return (f"({variables})" if variables else ""), selection


def _skipped(call: str) -> str:
    """The call under `@skip(if: true)`: graphql-core would not resolve it, the gate refuses."""
    name, brace, rest = call.partition(" {")
    return f"{name} @skip(if: true)" + (f" {{{rest}" if brace else "")


def _shapes(op: str, root: str, name: str, field: GraphQLField) -> dict[str, dict[str, Any]]:
    variables, call = _call(name, field)
    head = f"{op} Q{variables}"
    return {
        "plain": {"query": f"{head} {{ {call} }}"},
        "aliased": {"query": f"{head} {{ innocent: {call} }}"},
        "beside __typename": {"query": f"{head} {{ __typename {call} __typename }}"},
        "named fragment": {"query": f"{head} {{ ...F }} fragment F on {root} {{ {call} }}"},
        "nested fragments": {
            "query": f"{head} {{ __typename ...A }} fragment A on {root} {{ __typename ...B }} "
            f"fragment B on {root} {{ {call} }}"
        },
        "fragment spread twice": {
            "query": f"{head} {{ ...M ...F ...M }} fragment M on {root} {{ __typename }} "
            f"fragment F on {root} {{ ...M {call} }}"
        },
        "inline fragment": {"query": f"{head} {{ ... on {root} {{ {call} }} }}"},
        "inline fragment without type": {"query": f"{head} {{ ... {{ __typename {call} }} }}"},
        "skipped": {"query": f"{head} {{ __typename {_skipped(call)} }}"},
        "second operation selected": {
            "query": f"query Meta {{ __typename }} {head} {{ {call} }}",
            "operationName": "Q",
        },
    }


def _root_name(op: str) -> str:
    return "Query" if op == "query" else "Mutation"


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents the schema executed (none, for an anonymous caller's data)."""
    calls: list[str] = []
    original: Callable[..., Any] = schema.execute

    async def spy(query: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return await original(query, *args, **kwargs)

    monkeypatch.setattr(schema, "execute", spy)
    return calls


async def _post(client: Any, body: dict[str, Any]) -> Any:
    return await client.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE})


@pytest.mark.parametrize(("op", "name", "field"), FIELDS, ids=[f"{o}.{n}" for o, n, _ in FIELDS])
async def test_every_field_is_refused_without_a_token_in_every_shape(
    client, statements, executed, op, name, field
):
    statements.active = True
    for shape, body in _shapes(op, _root_name(op), name, field).items():
        # when
        response = await _post(client, body)

        # then
        assert response.status_code == 401, (shape, body, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert executed == []
    assert statements.count == 0


@pytest.mark.parametrize(("op", "name", "field"), FIELDS, ids=[f"{o}.{n}" for o, n, _ in FIELDS])
async def test_two_operations_without_a_name_never_run_anonymously(
    client, statements, executed, op, name, field
):
    variables, call = _call(name, field)
    body = {"query": f"query Meta {{ __typename }} {op} Q{variables} {{ {call} }}"}
    statements.active = True

    response = await _post(client, body)

    # refused before execution: 401 here, or a request error for the missing operationName
    assert response.status_code in (400, 401), response.text
    assert executed == []
    assert statements.count == 0


@pytest.mark.parametrize(
    "query",
    [
        "{ customers(first: 5) { nodes { noSuchField } } }",
        '{ viewer { kind } customers(first: "x") { totalCount } }',
        "mutation { updateCustomer(input: {}) { userErrors { code } } }",
        "{ viewer { kind }",
    ],
)
async def test_broken_documents_are_answered_with_their_errors_without_executing(
    client, statements, executed, query
):
    statements.active = True

    response = await _post(client, {"query": query})

    assert response.status_code == 400
    codes = {e["extensions"]["code"] for e in response.json()["errors"]}
    assert codes <= {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"}
    assert executed == []
    assert statements.count == 0


async def test_a_document_too_large_to_inspect_never_runs_anonymously(client, executed):
    padding = "#" + "x" * 210_000 + "\n"

    response = await _post(client, {"query": padding + "{ viewer { kind } }"})

    assert response.status_code in (400, 401, 413)
    assert executed == []


@pytest.mark.parametrize(
    "query",
    [
        "{ __typename }",
        "{ a: __typename b: __typename }",
        "query { ...A } fragment A on Query { ...B __typename } "
        'fragment B on Query { __type(name: "Customer") { name } }',
        "{ ... { __schema { queryType { name } } } }",
        "query Data { viewer { kind } } query Meta { __typename }",
    ],
)
async def test_introspection_in_any_shape_runs_anonymously(client, query):
    body: dict[str, Any] = {"query": query}
    if "query Meta" in query:
        body["operationName"] = "Meta"

    response = await _post(client, body)

    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


ACCEPT = """
mutation Accept($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customer { id } customerToken userErrors { code } }
}
"""


def _comparable(response: Any) -> tuple[int, dict[str, str], Any]:
    body = response.json()
    for error in body.get("errors", []):
        error.get("extensions", {}).pop("requestId", None)
    headers = {k: v for k, v in response.headers.items() if k.lower() == "www-authenticate"}
    return response.status_code, headers, body


async def test_accept_invitation_without_a_token_is_no_oracle(client, session, statements):
    # given: a real invitation token and a made-up one of the same shape
    partner = await make_partner(session)
    _, real = await make_invitation(session, partner)
    made_up = real[:-6] + ("aaaaaa" if not real.endswith("aaaaaa") else "bbbbbb")
    new_account = {
        "accountName": "acme_cloud",
        "contactName": "李四",
        "contactPhone": "+86 138-0000-1111",
        "contactEmail": "li@acme.test",
    }
    statements.active = True

    # when
    answers = [
        await _post(
            client,
            {"query": ACCEPT, "variables": {"input": {"token": token, "newAccount": account}}},
        )
        for token in (real, made_up)
        for account in (None, new_account)
    ]

    # then: one answer, 401 before anything looks the token up
    assert {r.status_code for r in answers} == {401}
    assert len({repr(_comparable(r)) for r in answers}) == 1
    assert statements.count == 0
