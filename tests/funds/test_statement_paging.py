"""Paging through a long statement."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.conftest import NOW
from tests.factories import (
    gql,
)
from tests.funds import statement_helpers
from tests.funds.helpers import recharge
from tests.funds.statement_helpers import STATEMENT, Moves, lines, statement

world = statement_helpers.world  # a fixture shared with the other statement tests


def assert_running(page_lines: list[tuple[str, str, str]]) -> None:
    """Newest first: each balance is the next older one plus this line's amount."""
    for (_, amount, after), (_, _, older_after) in itertools.pairwise(page_lines):
        assert Decimal(after) == Decimal(older_after) + Decimal(amount)


async def long_statement(session, partner, frozen_clock, n=45) -> None:
    """n recharges of 1.00 .. n.00, three at each instant, a minute apart."""
    for i in range(n):
        frozen_clock.set(NOW + timedelta(minutes=i // 3))
        await recharge(session, partner, f"{i + 1}.00")


async def test_paging_forward_through_a_long_statement(client, session, world, frozen_clock):
    # given
    partner, _, token, _ = world
    await long_statement(session, partner, frozen_clock)
    everything = await statement(client, token, first=100)

    # when
    seen, pages, after = [], [], None
    while True:
        page = await statement(client, token, first=10, after=after)
        pages.append(page)
        seen += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # then: no line missing, none twice, in the same order
    assert len(pages) == 5
    assert [e["node"] for e in seen] == [e["node"] for e in everything["edges"]]
    assert len({e["node"]["transactionId"] for e in seen}) == 45
    assert [e["node"]["amount"]["amount"] for e in seen] == [f"{i}.00" for i in range(45, 0, -1)]
    assert everything["totalCount"] == 45
    assert all(p["totalCount"] == 45 for p in pages)
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True, True, True]
    assert [len(p["edges"]) for p in pages] == [10, 10, 10, 10, 5]
    assert_running(lines({"edges": seen}))
    assert seen[0]["node"]["balanceAfter"]["amount"] == f"{sum(range(1, 46))}.00"
    assert seen[-1]["node"]["balanceAfter"]["amount"] == "1.00"


async def test_paging_backward_through_a_long_statement(client, session, world, frozen_clock):
    # given
    partner, _, token, _ = world
    await long_statement(session, partner, frozen_clock)
    everything = await statement(client, token, first=100)

    # when
    seen, before = [], None
    while True:
        page = await statement(client, token, last=7, before=before)
        seen = page["edges"] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]

    # then
    assert [e["node"] for e in seen] == [e["node"] for e in everything["edges"]]


async def test_paging_with_a_filter(client, session, world, frozen_clock):
    # given: allocations interleaved with recharges, several at one instant
    partner, customer, token, platform = world
    moves = Moves(client, token, platform)
    await recharge(session, partner, "1000.00")
    for i in range(12):
        frozen_clock.set(NOW + timedelta(minutes=i // 4))
        await moves.adjust(customer, "ALLOCATE", f"{i + 1}.00")
        await recharge(session, partner, "0.01")
    everything = await statement(client, token, first=100, filter={"kinds": ["ALLOCATE"]})

    # when
    seen, after = [], None
    while True:
        page = await statement(client, token, first=5, after=after, filter={"kinds": ["ALLOCATE"]})
        seen += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # then
    assert [e["node"] for e in seen] == [e["node"] for e in everything["edges"]]
    assert [e["node"]["amount"]["amount"] for e in seen] == [f"-{i}.00" for i in range(12, 0, -1)]


@pytest.mark.parametrize("arguments", [{"first": 0}, {"first": 101}, {"last": 0}])
async def test_page_sizes_are_bounded(client, session, world, arguments):
    _partner, _, token, _ = world

    body = await gql(client, STATEMENT, arguments, token=token)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_foreign_cursor_is_refused(client, session, world):
    partner, _, token, _ = world
    await recharge(session, partner, "1.00")
    await recharge(session, partner, "2.00")

    body = await gql(client, STATEMENT, {"first": 1, "after": "bm90LWEtY3Vyc29y"}, token=token)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
