"""Bad paging arguments and malformed, tampered or foreign cursors are BAD_USER_INPUT."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.core import pagination_helpers
from tests.core.pagination_helpers import connection_of, fetch

world = pagination_helpers.world  # a fixture shared with the other pagination tests


# The root connections are non-null, so an error there nulls `data`; the nested one nulls its
# (nullable) customer.
DATA_ON_ERROR: dict[str, Any] = {
    "customers": None,
    "resources": None,
    "customer_resources": {"customer": None},
}


ERROR_PATH = {
    "customers": ["customers"],
    "resources": ["resources"],
    "customer_resources": ["customer", "resources"],
}


KINDS = ["customers", "resources", "customer_resources"]


# Out of range: refused before anything executes (the cost walk checks every page size).
RANGE_ERRORS = [
    ("first-0", {"first": 0}, ["`first`", "between 1 and 100", "0"]),
    ("first-negative", {"first": -1}, ["`first`", "between 1 and 100", "-1"]),
    ("first-101", {"first": 101}, ["`first`", "between 1 and 100", "101"]),
    ("last-0", {"last": 0}, ["`last`", "between 1 and 100", "0"]),
    ("last-101", {"last": 101}, ["`last`", "between 1 and 100", "101"]),
]


# Combinations the resolver refuses, with the connection's path.
ARGUMENT_ERRORS = [
    ("first-and-last", {"first": 2, "last": 2}, ["`first`", "`last`"]),
    ("last-with-after", {"last": 2, "after": "CURSOR"}, ["`after`", "`last`"]),
    ("first-with-before", {"first": 2, "before": "CURSOR"}, ["`before`", "`first`"]),
    ("after-and-before", {"after": "CURSOR", "before": "CURSOR"}, ["`after`", "`before`"]),
]


def assert_bad_user_input(body: dict[str, Any], kind: str, *fragments: str) -> None:
    assert body["data"] == DATA_ON_ERROR[kind], body
    assert len(body["errors"]) == 1, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert error["path"] == ERROR_PATH[kind]
    for fragment in fragments:
        assert fragment in error["message"], error["message"]


# the line of the connection field in each document (pagination_helpers.DOCUMENTS)
FIELD_LINE = {"customers": 3, "resources": 3, "customer_resources": 4}


@pytest.mark.parametrize(
    ("args", "fragments"),
    [(args, fragments) for _, args, fragments in RANGE_ERRORS],
    ids=[name for name, _, _ in RANGE_ERRORS],
)
@pytest.mark.parametrize("kind", KINDS)
async def test_out_of_range_page_sizes_are_refused_before_execution(
    client, world, kind, args, fragments
):
    # when
    body = await fetch(client, world, kind, None, **args)

    # then: a request error (nothing ran, so no `data`) naming the argument and the field
    assert "data" not in body, body
    assert len(body["errors"]) == 1, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert error["locations"][0]["line"] == FIELD_LINE[kind], body
    for fragment in fragments:
        assert fragment in error["message"], error["message"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [(args, fragments) for _, args, fragments in ARGUMENT_ERRORS],
    ids=[name for name, _, _ in ARGUMENT_ERRORS],
)
@pytest.mark.parametrize("kind", KINDS)
async def test_bad_paging_arguments_are_bad_user_input(client, world, kind, args, fragments):
    # given: a real cursor of the ordering in use, so only the combination is wrong
    whole = connection_of(await fetch(client, world, kind, None, first=3), kind)
    cursor = whole["edges"][1]["cursor"]
    args = {name: cursor if value == "CURSOR" else value for name, value in args.items()}

    # when
    body = await fetch(client, world, kind, None, **args)

    # then
    assert_bad_user_input(body, kind, *fragments)


def b64(raw: bytes | str) -> str:
    data = raw.encode() if isinstance(raw, str) else raw
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def cursor_of(payload: Any) -> str:
    return b64(json.dumps(payload))


MALFORMED_CURSORS = [
    ("random-text", "this is not a cursor"),
    ("random-token", "xK9#qq!!"),
    ("empty", ""),
    ("base64-of-text", b64("hello world")),
    ("base64-of-binary", b64(bytes(range(256)))),
    ("base64-of-json-object", cursor_of({"tag": "CREATED_AT:DESC", "id": 1})),
    ("base64-of-json-number", cursor_of(42)),
    ("base64-of-short-list", cursor_of(["CREATED_AT:DESC", 1])),
    ("base64-of-long-list", cursor_of(["CREATED_AT:DESC", {"t": "2026-06-01T00:00:00"}, 1, 2])),
    ("string-id", cursor_of(["CREATED_AT:DESC", {"t": "2026-06-01T00:00:00+00:00"}, "1"])),
    ("boolean-id", cursor_of(["CREATED_AT:DESC", {"t": "2026-06-01T00:00:00+00:00"}, True])),
    ("bad-timestamp", cursor_of(["CREATED_AT:DESC", {"t": "yesterday"}, 1])),
    ("list-value", cursor_of(["CREATED_AT:DESC", [1, 2], 1])),
    ("unknown-tag", cursor_of(["BOGUS:ASC", "x", 1])),
]


@pytest.mark.parametrize(
    "cursor", [c for _, c in MALFORMED_CURSORS], ids=[n for n, _ in MALFORMED_CURSORS]
)
@pytest.mark.parametrize("direction", ["after", "before"])
async def test_malformed_cursors_are_bad_user_input(client, world, direction, cursor):
    # given
    size = "first" if direction == "after" else "last"

    # when
    body = await fetch(client, world, "resources", None, **{size: 5, direction: cursor})

    # then
    assert_bad_user_input(body, "resources", "cursor")


@pytest.mark.parametrize("kind", KINDS)
async def test_malformed_cursor_on_each_connection(client, world, kind):
    body = await fetch(client, world, kind, None, first=5, after="not-a-cursor")

    assert_bad_user_input(body, kind, "Malformed cursor")


# A cursor has the right shape and tag but a sort value the ordering never produces, or an id
# no row can have. Such a cursor was tampered with and is as bad as a malformed one.
TAMPERED_CURSORS = [
    (
        "text-for-timestamp",
        "customers",
        {"field": "ASSOCIATED_AT", "direction": "DESC"},
        ["ASSOCIATED_AT:DESC", "yesterday", 1],
    ),
    (
        "number-for-timestamp",
        "customers",
        {"field": "ASSOCIATED_AT", "direction": "DESC"},
        ["ASSOCIATED_AT:DESC", 5, 1],
    ),
    (
        "null-for-timestamp",
        "customers",
        {"field": "ASSOCIATED_AT", "direction": "DESC"},
        ["ASSOCIATED_AT:DESC", None, 1],
    ),
    (
        "number-for-name",
        "customers",
        {"field": "NAME", "direction": "ASC"},
        ["NAME:ASC", 5, 1],
    ),
    (
        "timestamp-for-name",
        "customers",
        {"field": "NAME", "direction": "ASC"},
        ["NAME:ASC", {"t": "2026-06-01T00:00:00+00:00"}, 1],
    ),
    (
        "text-for-nullable-timestamp",
        "resources",
        {"field": "EXPIRES_AT", "direction": "ASC"},
        ["EXPIRES_AT:ASC", "soon", 1],
    ),
    (
        "id-beyond-64-bits",
        "customers",
        {"field": "NAME", "direction": "ASC"},
        ["NAME:ASC", "pga", 10**20],
    ),
    (
        "id-beyond-64-bits-nullable",
        "resources",
        {"field": "EXPIRES_AT", "direction": "ASC"},
        ["EXPIRES_AT:ASC", None, 10**20],
    ),
]


@pytest.mark.parametrize(
    ("kind", "order_by", "payload"),
    [(kind, order_by, payload) for _, kind, order_by, payload in TAMPERED_CURSORS],
    ids=[name for name, *_ in TAMPERED_CURSORS],
)
async def test_tampered_cursors_are_bad_user_input(client, world, kind, order_by, payload):
    # when
    body = await fetch(client, world, kind, order_by, first=5, after=cursor_of(payload))

    # then
    assert_bad_user_input(body, kind, "cursor")


FOREIGN_ORDERINGS = [
    ("customers", {"field": "NAME", "direction": "ASC"}, {"field": "ASSOCIATED_AT"}),
    ("customers", {"field": "NAME", "direction": "ASC"}, {"field": "NAME", "direction": "DESC"}),
    ("customers", None, {"field": "ASSOCIATED_AT", "direction": "ASC"}),
    ("customers", {"field": "ASSOCIATED_AT", "direction": "DESC"}, {"field": "NAME"}),
    ("resources", {"field": "EXPIRES_AT"}, {"field": "CREATED_AT"}),
    ("resources", None, {"field": "CREATED_AT", "direction": "ASC"}),
    ("resources", {"field": "NAME"}, {"field": "EXPIRES_AT", "direction": "DESC"}),
    ("customer_resources", {"field": "NAME"}, None),
    ("customer_resources", {"field": "EXPIRES_AT", "direction": "DESC"}, {"field": "EXPIRES_AT"}),
]


@pytest.mark.parametrize(("kind", "issued_for", "used_with"), FOREIGN_ORDERINGS)
@pytest.mark.parametrize("direction", ["after", "before"])
async def test_cursor_from_another_ordering_is_bad_user_input(
    client, world, direction, kind, issued_for, used_with
):
    # given
    page = connection_of(await fetch(client, world, kind, issued_for, first=3), kind)
    cursor = page["edges"][1]["cursor"]
    size = "first" if direction == "after" else "last"

    # when
    body = await fetch(client, world, kind, used_with, **{size: 3, direction: cursor})

    # then
    assert_bad_user_input(body, kind, "another ordering", "orderBy")
