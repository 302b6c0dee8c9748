"""Cursor connections: walking pages both ways, pageInfo, page-size rules and bad cursors.

Every connection shares one keyset implementation; these tests drive it through `customers`,
`resources` and `Customer.resources` with every ordering, ties on the sort key (broken by id)
and a nullable sort key (`EXPIRES_AT`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from app.globalid import from_global_id
from app.models import Customer
from app.models.partners.enums import Role
from tests.core import pagination_helpers
from tests.core.pagination_helpers import CUSTOMERS, DOCUMENTS, World, _now, connection_of, fetch
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

world = pagination_helpers.world  # a fixture shared with the other pagination tests


def edge_ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


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
