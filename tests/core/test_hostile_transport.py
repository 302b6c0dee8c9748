"""Tampered cursors, hostile JSON bodies and X-Request-ID on every response."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from app.http.graphiql import ASSETS
from app.http.request_id import RequestIdMiddleware
from app.models.partners.enums import Role
from tests.core import pagination_helpers
from tests.core.pagination_helpers import connection_of, fetch
from tests.factories import make_partner, make_user, token_for

world = pagination_helpers.world


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _tag_of(cursor: str) -> str:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[0]


# (name, ordering, the payload after the real tag) for sort values the column cannot hold
TAMPERED = [
    ("id-int64-overflow", {"field": "NAME", "direction": "ASC"}, ["pga", 2**63]),
    ("nul-in-name", {"field": "NAME", "direction": "ASC"}, ["a\x00b", 1]),
    ("surrogate-in-name", {"field": "NAME", "direction": "ASC"}, ["a\ud800", 1]),
    ("year-1-east", {"field": "ASSOCIATED_AT"}, [{"t": "0001-01-01T00:00:00+14:00"}, 1]),
    ("year-9999-west", {"field": "ASSOCIATED_AT"}, [{"t": "9999-12-31T23:59:59-14:00"}, 1]),
    ("float-id", {"field": "NAME", "direction": "ASC"}, ["a", 1.5]),
    ("nan-id", {"field": "NAME", "direction": "ASC"}, ["a", float("nan")]),
]


@pytest.mark.parametrize(
    ("order_by", "tail"), [(o, t) for _, o, t in TAMPERED], ids=[n for n, *_ in TAMPERED]
)
async def test_cursors_with_values_no_column_holds_are_bad_user_input(
    client, world, order_by, tail
):
    # given: the real tag of the ordering, so decoding reaches the sort value
    page = connection_of(await fetch(client, world, "customers", order_by, first=2), "customers")
    tag = _tag_of(page["edges"][0]["cursor"])
    cursor = _b64(json.dumps([tag, *tail]))

    # when
    body = await fetch(client, world, "customers", order_by, first=2, after=cursor)

    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert "Malformed cursor" in body["errors"][0]["message"]
    assert connection_of(await fetch(client, world, "customers", None, first=1), "customers")


MALFORMED = [
    ("deep-nesting", _b64("[" * 5000 + "]" * 5000)),
    ("not-base64", "!!!!"),
    ("base64-with-junk", _b64('["a",1,1]') + "\x01"),
    ("huge", "A" * 100_000),
    ("tag-not-text", _b64('[["x"],"a",1]')),
    ("nan", _b64('["a", NaN, 1]')),
]


@pytest.mark.parametrize("kind", pagination_helpers.DOCUMENTS)
@pytest.mark.parametrize("cursor", [c for _, c in MALFORMED], ids=[n for n, _ in MALFORMED])
async def test_malformed_cursors_on_every_connection(client, world, kind, cursor):
    body = await fetch(client, world, kind, None, first=2, after=cursor)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


@pytest.fixture
async def token(session):
    partner = await make_partner(session)
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


BODIES = [
    (
        "deep-array",
        b'{"query": "{ __typename }", "variables": {"a": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}}",
    ),
    (
        "deep-object",
        b'{"query": "{ __typename }", "variables": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",
    ),
    ("infinity", b'{"query": "query($a: Int) { __typename }", "variables": {"a": Infinity}}'),
    ("nan", b'{"query": "{ __typename }", "variables": {"a": NaN}}'),
    ("minus-infinity", b'{"query": "{ __typename }", "variables": {"a": -Infinity}}'),
    ("huge-float", b'{"query": "{ __typename }", "variables": {"a": 1e999}}'),
    ("huge-int", b'{"query": "{ __typename }", "variables": {"a": ' + b"9" * 5000 + b"}}"),
    ("not-utf8", b'{"query": "\xff"}'),
]


@pytest.mark.parametrize("raw", [b for _, b in BODIES], ids=[n for n, _ in BODIES])
async def test_hostile_json_bodies_are_400_with_a_json_body(client, token, raw):
    response = await client.post(
        "/graphql",
        content=raw,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/")
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert response.headers["x-request-id"]
    ok = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert ok.json()["data"] == {"__typename": "Query"}


async def test_hostile_variables_in_a_get_request_are_400(client, token):
    response = await client.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": '{"a": NaN}'},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def _asset() -> str:
    return next(p.name for p in sorted(ASSETS.iterdir()) if p.is_file())


ROUTES = [
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/graphql"),
    ("POST", "/graphql"),
    ("PUT", "/graphql"),
    ("GET", "/exports/consumption-details.csv"),
    ("GET", "/exports/consumption-details.ndjson?bogus=1"),
    ("GET", "/exports/consumption-details.parquet"),
    ("GET", f"/graphiql/{_asset()}"),
    ("GET", "/graphiql/missing.js"),
    ("GET", "/no-such-page"),
    ("DELETE", "/healthz"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_every_response_carries_a_request_id(client, method, path):
    # a fresh id when none (or an insane one) is sent; the caller's sane id is kept
    fresh = await client.request(method, path)
    insane = await client.request(method, path, headers={"X-Request-ID": "bad id\x01<script>"})
    kept = await client.request(method, path, headers={"X-Request-ID": "trace-0123456789"})

    assert len(fresh.headers["x-request-id"]) == 32
    assert insane.headers["x-request-id"] != "bad id\x01<script>"
    assert len(insane.headers["x-request-id"]) == 32
    assert kept.headers["x-request-id"] == "trace-0123456789"
    assert fresh.headers.get_list("x-request-id") == [fresh.headers["x-request-id"]]


async def test_the_endpoint_logs_and_answers_with_the_same_request_id(client):
    response = await client.post(
        "/graphql",
        json={"query": "{ customers(first: 1) { totalCount } }"},
        headers={"Authorization": "Bearer nope", "X-Request-ID": "trace-abcdefgh"},
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["requestId"] == "trace-abcdefgh"
    assert response.headers["x-request-id"] == "trace-abcdefgh"


async def test_an_unhandled_error_is_a_json_500_with_the_request_id():
    async def boom(_request):
        raise RuntimeError("boom")

    app = Starlette(routes=[Route("/boom", boom)], middleware=[Middleware(RequestIdMiddleware)])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom", headers={"X-Request-ID": "trace-boom-0001"})

    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-boom-0001"
    assert response.json() == {
        "errors": [
            {
                "message": "Unexpected error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "trace-boom-0001"},
            }
        ]
    }
