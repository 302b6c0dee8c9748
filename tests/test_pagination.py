"""Cursor connections: walking pages both ways, pageInfo, page-size rules and bad cursors.

Every connection shares one keyset implementation; these tests drive it through `customers`,
`resources` and `Customer.resources` with every ordering, ties on the sort key (broken by id)
and a nullable sort key (`EXPIRES_AT`).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from app import clock
from app.globalid import from_global_id
from app.models import Customer, Resource
from app.models.customers.enums import BillingMode
from app.models.partners.enums import Role
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

PAGE = """
  totalCount
  edges { cursor node { id } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
"""

ARGS = "first: $first, after: $after, last: $last, before: $before"
VARS = "$first: Int, $after: String, $last: Int, $before: String"

CUSTOMERS = f"""
query Customers({VARS}, $orderBy: CustomerOrder) {{
  customers({ARGS}, orderBy: $orderBy) {{ {PAGE} }}
}}
"""

RESOURCES = f"""
query Resources({VARS}, $orderBy: ResourceOrder) {{
  resources({ARGS}, orderBy: $orderBy) {{ {PAGE} }}
}}
"""

CUSTOMER_RESOURCES = f"""
query CustomerResources($id: ID!, {VARS}, $orderBy: ResourceOrder) {{
  customer(id: $id) {{
    resources({ARGS}, orderBy: $orderBy) {{ {PAGE} }}
  }}
}}
"""

DOCUMENTS = {
    "customers": CUSTOMERS,
    "resources": RESOURCES,
    "customer_resources": CUSTOMER_RESOURCES,
}

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


@dataclass
class World:
    """One partner's data with ties on every sort key, plus rows that must never show."""

    token: str
    customers: list[Customer]
    resources: list[Resource]
    busy_customer: Customer

    def variables(self, kind: str) -> dict[str, Any]:
        if kind == "customer_resources":
            return {"id": global_id("Customer", self.busy_customer.id)}
        return {}

    def expected(self, kind: str, order_by: dict[str, Any] | None) -> list[str]:
        """Global ids in the order the API must return them."""
        if kind == "customers":
            rows: list[Any] = self.customers
            type_name = "Customer"
            default = "ASSOCIATED_AT"
        else:
            rows = self.resources
            if kind == "customer_resources":
                rows = [r for r in rows if r.customer_id == self.busy_customer.id]
            type_name = "Resource"
            default = "CREATED_AT"
        field = order_by["field"] if order_by else default
        direction = (order_by or {}).get("direction", "ASC" if order_by else "DESC")
        attribute = {
            "NAME": "name",
            "ASSOCIATED_AT": "associated_at",
            "CREATED_AT": "created_at",
            "EXPIRES_AT": "expires_at",
        }[field]

        def key(row: Any) -> tuple[Any, ...]:
            value = getattr(row, attribute)
            return (value is None, value, row.id)  # nulls last ascending, ties by id

        ascending = [global_id(type_name, r.id) for r in sorted(rows, key=key)]
        return ascending if direction == "ASC" else ascending[::-1]


def _now() -> datetime:
    return clock.now()


@pytest.fixture
async def world(session: Any) -> World:
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)
    now = _now()

    # Names are lowercase ASCII letters with a common prefix: the same order under any collation.
    customer_specs = [
        ("pga", 3),
        ("pgb", 1),
        ("pga", 3),
        ("pgc", 2),
        ("pgab", 5),
        ("pgb", 1),
        ("pgd", 4),
        ("pga", 3),
        ("pgc", 2),
        ("pge", 6),
        ("pgab", 5),
    ]
    customers = [
        await make_customer(session, partner, name=name, associated_at=now - timedelta(days=d))
        for name, d in customer_specs
    ]
    # a former customer and another partner's customer never show up
    await make_customer(
        session,
        partner,
        name="pga",
        associated_at=now - timedelta(days=3),
        ended_at=now - timedelta(days=1),
    )
    other = await make_partner(session)
    stranger = await make_customer(
        session, other, name="pga", associated_at=now - timedelta(days=3)
    )

    busy, quiet = customers[0], customers[1]
    # (owner, name, created hours ago, expires in days or None)
    resource_specs = [
        (busy, "rsb", 5, 10),
        (busy, "rsa", 3, None),
        (quiet, "rsc", 5, 5),
        (busy, "rsa", 1, 10),
        (busy, "rsd", 2, None),
        (quiet, "rsab", 4, 20),
        (busy, "rsab", 5, 5),
        (busy, "rsc", 6, None),
        (quiet, "rsa", 1, 10),
        (busy, "rse", 3, 20),
        (busy, "rsb", 7, 10),
        (quiet, "rsd", 2, None),
    ]
    resources = [
        await make_resource(
            session,
            owner,
            name=name,
            created_at=now - timedelta(hours=h),
            expires_at=None if d is None else now + timedelta(days=d),
            billing_mode=BillingMode.ON_DEMAND if d is None else BillingMode.YEARLY_MONTHLY,
        )
        for owner, name, h, d in resource_specs
    ]
    await make_resource(session, stranger, name="rsa", created_at=now - timedelta(hours=1))
    return World(token=token, customers=customers, resources=resources, busy_customer=busy)


def connection_of(body: dict[str, Any], kind: str) -> dict[str, Any]:
    assert "errors" not in body, body
    if kind == "customer_resources":
        return body["data"]["customer"]["resources"]
    return body["data"][kind]


def edge_ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def fetch(
    client: Any, world: World, kind: str, order_by: dict[str, Any] | None, **args: Any
) -> dict[str, Any]:
    variables = {**world.variables(kind), "orderBy": order_by, **args}
    return await gql(client, DOCUMENTS[kind], variables, token=world.token)


def check_page_info(connection: dict[str, Any]) -> None:
    info, edges = connection["pageInfo"], connection["edges"]
    if edges:
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["endCursor"] == edges[-1]["cursor"]
    else:
        assert info["startCursor"] is None
        assert info["endCursor"] is None


async def walk_forward(
    client: Any,
    world: World,
    kind: str,
    order_by: dict[str, Any] | None,
    sizes: Any,
    total: int,
) -> tuple[list[str], list[str]]:
    """(ids, cursors) of every page from the start with `first`/`after`; checks each page."""
    ids: list[str] = []
    cursors: list[str] = []
    after = None
    for _ in range(total + 2):
        size = next(sizes)
        connection = connection_of(
            await fetch(client, world, kind, order_by, first=size, after=after), kind
        )
        check_page_info(connection)
        info = connection["pageInfo"]
        assert connection["totalCount"] == total
        assert info["hasPreviousPage"] is (after is not None)
        ids += edge_ids(connection)
        cursors += [edge["cursor"] for edge in connection["edges"]]
        if not info["hasNextPage"]:
            # the last page is never empty unless the whole list is
            assert connection["edges"] or total == 0
            assert len(connection["edges"]) <= size
            return ids, cursors
        assert len(connection["edges"]) == size
        after = info["endCursor"]
    raise AssertionError(f"no last page after {total + 2} pages: {ids}")


async def walk_backward(
    client: Any,
    world: World,
    kind: str,
    order_by: dict[str, Any] | None,
    sizes: Any,
    total: int,
) -> tuple[list[str], list[str]]:
    """(ids, cursors) of every page from the end with `last`/`before`, in display order."""
    ids: list[str] = []
    cursors: list[str] = []
    before = None
    for _ in range(total + 2):
        size = next(sizes)
        connection = connection_of(
            await fetch(client, world, kind, order_by, last=size, before=before), kind
        )
        check_page_info(connection)
        info = connection["pageInfo"]
        assert connection["totalCount"] == total
        assert info["hasNextPage"] is (before is not None)
        ids = edge_ids(connection) + ids
        cursors = [edge["cursor"] for edge in connection["edges"]] + cursors
        if not info["hasPreviousPage"]:
            assert connection["edges"] or total == 0
            assert len(connection["edges"]) <= size
            return ids, cursors
        assert len(connection["edges"]) == size
        before = info["startCursor"]
    raise AssertionError(f"no first page after {total + 2} pages: {ids}")


def constant(size: int) -> Any:
    while True:
        yield size


WALKS = [
    ("customers", {"field": "NAME", "direction": "ASC"}),
    ("customers", {"field": "NAME", "direction": "DESC"}),
    ("customers", {"field": "ASSOCIATED_AT", "direction": "ASC"}),
    ("customers", {"field": "ASSOCIATED_AT", "direction": "DESC"}),
    ("customers", None),
    ("resources", {"field": "CREATED_AT", "direction": "ASC"}),
    ("resources", {"field": "CREATED_AT", "direction": "DESC"}),
    ("resources", {"field": "EXPIRES_AT", "direction": "ASC"}),
    ("resources", {"field": "EXPIRES_AT", "direction": "DESC"}),
    ("resources", {"field": "NAME", "direction": "ASC"}),
    ("resources", {"field": "NAME", "direction": "DESC"}),
    ("resources", None),
    ("customer_resources", {"field": "CREATED_AT", "direction": "ASC"}),
    ("customer_resources", {"field": "CREATED_AT", "direction": "DESC"}),
    ("customer_resources", {"field": "EXPIRES_AT", "direction": "ASC"}),
    ("customer_resources", {"field": "EXPIRES_AT", "direction": "DESC"}),
    ("customer_resources", {"field": "NAME", "direction": "ASC"}),
    ("customer_resources", {"field": "NAME", "direction": "DESC"}),
    ("customer_resources", None),
]


def walk_id(walk: tuple[str, dict[str, Any] | None]) -> str:
    kind, order_by = walk
    if order_by is None:
        return f"{kind}-default"
    return f"{kind}-{order_by['field'].lower()}-{order_by['direction'].lower()}"


# --- walking the whole list -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "order_by"), WALKS, ids=[walk_id(w) for w in WALKS])
async def test_forward_pages_yield_every_row_once_in_order(client, world, kind, order_by):
    # given
    expected = world.expected(kind, order_by)

    # when
    ids, _ = await walk_forward(client, world, kind, order_by, constant(3), len(expected))

    # then
    assert ids == expected


@pytest.mark.parametrize(("kind", "order_by"), WALKS, ids=[walk_id(w) for w in WALKS])
async def test_backward_pages_yield_every_row_once_in_order(client, world, kind, order_by):
    # given
    expected = world.expected(kind, order_by)

    # when
    ids, _ = await walk_backward(client, world, kind, order_by, constant(3), len(expected))

    # then
    assert ids == expected


@pytest.mark.parametrize(("kind", "order_by"), WALKS, ids=[walk_id(w) for w in WALKS])
async def test_one_big_page_matches_the_walks_and_cursors_are_stable(client, world, kind, order_by):
    # given
    expected = world.expected(kind, order_by)

    # when
    whole = connection_of(await fetch(client, world, kind, order_by, first=100), kind)
    _, forward_cursors = await walk_forward(
        client, world, kind, order_by, constant(4), len(expected)
    )
    _, backward_cursors = await walk_backward(
        client, world, kind, order_by, constant(5), len(expected)
    )

    # then: a row has one cursor whichever way and page size it was reached with
    assert edge_ids(whole) == expected
    assert whole["pageInfo"]["hasNextPage"] is False
    assert whole["pageInfo"]["hasPreviousPage"] is False
    whole_cursors = [edge["cursor"] for edge in whole["edges"]]
    assert forward_cursors == whole_cursors
    assert backward_cursors == whole_cursors
    assert len(set(whole_cursors)) == len(whole_cursors)


@pytest.mark.parametrize(("kind", "order_by"), WALKS, ids=[walk_id(w) for w in WALKS])
async def test_pages_around_a_cursor_in_the_middle(client, world, kind, order_by):
    # given
    expected = world.expected(kind, order_by)
    whole = connection_of(await fetch(client, world, kind, order_by, first=100), kind)
    middle = len(expected) // 2
    cursor = whole["edges"][middle]["cursor"]

    # when
    after = connection_of(await fetch(client, world, kind, order_by, first=2, after=cursor), kind)
    before = connection_of(await fetch(client, world, kind, order_by, last=2, before=cursor), kind)

    # then
    assert edge_ids(after) == expected[middle + 1 : middle + 3]
    assert after["pageInfo"]["hasPreviousPage"] is True
    assert after["pageInfo"]["hasNextPage"] is (middle + 3 < len(expected))
    assert edge_ids(before) == expected[middle - 2 : middle]
    assert before["pageInfo"]["hasNextPage"] is True
    assert before["pageInfo"]["hasPreviousPage"] is (middle - 2 > 0)


# --- property: any page sizes ---------------------------------------------------------------


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(walk=st.sampled_from(WALKS), data=st.data())
async def test_pages_of_random_sizes_concatenate_to_the_full_list(client, world, walk, data):
    # given: the data is built once by the fixture and shared by every example (read only)
    kind, order_by = walk
    expected = world.expected(kind, order_by)
    size = st.integers(min_value=1, max_value=len(expected) + 1)

    def sizes() -> Any:
        while True:
            yield data.draw(size)

    # when
    forward, _ = await walk_forward(client, world, kind, order_by, sizes(), len(expected))
    backward, _ = await walk_backward(client, world, kind, order_by, sizes(), len(expected))

    # then
    assert forward == expected
    assert backward == expected


# --- pageInfo at the edges ------------------------------------------------------------------


async def _plain_customers(session: Any, count: int) -> tuple[str, list[str]]:
    """`count` customers, newest first (the default order); returns (token, ids)."""
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)
    made = [
        await make_customer(session, partner, associated_at=_now() - timedelta(days=i + 1))
        for i in range(count)
    ]
    return token, [global_id("Customer", c.id) for c in made]


async def test_page_size_that_divides_the_list_leaves_no_empty_last_page(client, session):
    # given
    token, ids = await _plain_customers(session, 6)

    # when
    first = await gql(client, CUSTOMERS, {"first": 3}, token=token)
    page1 = first["data"]["customers"]
    second = await gql(
        client, CUSTOMERS, {"first": 3, "after": page1["pageInfo"]["endCursor"]}, token=token
    )
    page2 = second["data"]["customers"]

    # then
    assert edge_ids(page1) == ids[:3]
    assert page1["pageInfo"]["hasNextPage"] is True
    assert page1["pageInfo"]["hasPreviousPage"] is False
    assert edge_ids(page2) == ids[3:]
    assert page2["pageInfo"]["hasNextPage"] is False
    assert page2["pageInfo"]["hasPreviousPage"] is True


async def test_page_larger_than_the_list(client, session):
    token, ids = await _plain_customers(session, 3)

    body = await gql(client, CUSTOMERS, {"first": 10}, token=token)

    page = body["data"]["customers"]
    assert edge_ids(page) == ids
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is False
    check_page_info(page)


async def test_last_without_before_gives_the_end_of_the_list(client, session):
    # given
    token, ids = await _plain_customers(session, 5)

    # when
    body = await gql(client, CUSTOMERS, {"last": 2}, token=token)

    # then
    page = body["data"]["customers"]
    assert edge_ids(page) == ids[3:]
    assert page["pageInfo"]["hasPreviousPage"] is True
    assert page["pageInfo"]["hasNextPage"] is False
    check_page_info(page)


async def test_last_larger_than_the_list(client, session):
    token, ids = await _plain_customers(session, 3)

    body = await gql(client, CUSTOMERS, {"last": 10}, token=token)

    page = body["data"]["customers"]
    assert edge_ids(page) == ids
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["pageInfo"]["hasNextPage"] is False


async def test_after_the_last_row_is_an_empty_page(client, session):
    # given
    token, _ = await _plain_customers(session, 3)
    whole = (await gql(client, CUSTOMERS, {"first": 3}, token=token))["data"]["customers"]

    # when
    body = await gql(
        client, CUSTOMERS, {"first": 3, "after": whole["pageInfo"]["endCursor"]}, token=token
    )

    # then
    assert body["data"]["customers"] == {
        "totalCount": 3,
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": True,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_before_the_first_row_is_an_empty_page(client, session):
    # given
    token, _ = await _plain_customers(session, 3)
    whole = (await gql(client, CUSTOMERS, {"first": 3}, token=token))["data"]["customers"]

    # when
    body = await gql(
        client, CUSTOMERS, {"last": 3, "before": whole["pageInfo"]["startCursor"]}, token=token
    )

    # then
    assert body["data"]["customers"] == {
        "totalCount": 3,
        "edges": [],
        "pageInfo": {
            "hasNextPage": True,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_default_page_size_is_20_forward_and_backward(client, session):
    # given
    token, ids = await _plain_customers(session, 45)

    # when
    first = (await gql(client, CUSTOMERS, {}, token=token))["data"]["customers"]
    after = (await gql(client, CUSTOMERS, {"after": first["pageInfo"]["endCursor"]}, token=token))[
        "data"
    ]["customers"]
    before = (
        await gql(client, CUSTOMERS, {"before": after["pageInfo"]["endCursor"]}, token=token)
    )["data"]["customers"]

    # then
    assert edge_ids(first) == ids[:20]
    assert first["pageInfo"]["hasNextPage"] is True
    assert edge_ids(after) == ids[20:40]
    assert after["pageInfo"]["hasNextPage"] is True
    assert edge_ids(before) == ids[19:39]
    assert first["totalCount"] == 45


async def test_page_sizes_of_100_are_allowed(client, session):
    token, ids = await _plain_customers(session, 101)

    forward = (await gql(client, CUSTOMERS, {"first": 100}, token=token))["data"]["customers"]
    backward = (await gql(client, CUSTOMERS, {"last": 100}, token=token))["data"]["customers"]

    assert edge_ids(forward) == ids[:100]
    assert forward["pageInfo"]["hasNextPage"] is True
    assert edge_ids(backward) == ids[1:]
    assert backward["pageInfo"]["hasPreviousPage"] is True


async def test_rows_removed_behind_the_cursor_neither_skip_nor_repeat_rows(client, session):
    # given: a first page, then its last row stops being a current customer
    token, ids = await _plain_customers(session, 6)
    page1 = (await gql(client, CUSTOMERS, {"first": 3}, token=token))["data"]["customers"]
    _, gone = from_global_id(ids[2])
    await session.execute(update(Customer).where(Customer.id == gone).values(ended_at=_now()))
    await session.flush()

    # when
    body = await gql(
        client, CUSTOMERS, {"first": 3, "after": page1["pageInfo"]["endCursor"]}, token=token
    )

    # then
    assert edge_ids(body["data"]["customers"]) == ids[3:]
    assert body["data"]["customers"]["totalCount"] == 5


# --- empty lists ----------------------------------------------------------------------------

EMPTY = {
    "totalCount": 0,
    "edges": [],
    "pageInfo": {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    },
}


@pytest.mark.parametrize("args", [{}, {"first": 5}, {"last": 5}], ids=["default", "first", "last"])
@pytest.mark.parametrize("kind", ["customers", "resources", "customer_resources"])
async def test_empty_lists(client, session, kind, args):
    # given: a partner whose only customer has no resources; another partner has plenty
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)
    lonely = await make_customer(session, partner, ended_at=_now())
    other = await make_partner(session)
    await make_resource(session, await make_customer(session, other))
    variables: dict[str, Any] = dict(args)
    if kind == "customer_resources":
        variables["id"] = global_id("Customer", lonely.id)

    # when
    body = await gql(client, DOCUMENTS[kind], variables, token=token)

    # then
    assert connection_of(body, kind) == EMPTY


# --- page-size and argument errors ----------------------------------------------------------

KINDS = ["customers", "resources", "customer_resources"]

ARGUMENT_ERRORS = [
    ("first-0", {"first": 0}, ["`first`", "between 1 and 100", "0"]),
    ("first-negative", {"first": -1}, ["`first`", "between 1 and 100", "-1"]),
    ("first-101", {"first": 101}, ["`first`", "between 1 and 100", "101"]),
    ("last-0", {"last": 0}, ["`last`", "between 1 and 100", "0"]),
    ("last-101", {"last": 101}, ["`last`", "between 1 and 100", "101"]),
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


# --- bad cursors ----------------------------------------------------------------------------


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
