"""Cursors carry the sort value of every column type a list can be ordered by, exactly, and
refuse a tampered one (the bug this stands for: a list sorted by a money column could not
make its cursors, and its keyset bound money as a bare number on SQLite)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.models import Base, Invoice
from app.services.core.errors import BadRequest
from app.services.core.pagination import Ordering, decode_cursor, encode_cursor
from tests.factories import gql
from tests.orders.helpers import create_proxy, make_world, new_line

SAMPLES: dict[type, Any] = {
    Decimal: Decimal("1234.56"),
    datetime: datetime(2026, 6, 15, 4, 0, 1, 123456, tzinfo=UTC),
    date: date(2026, 6, 15),
    str: "北京示例 Co.",
    int: 42,
}


def _sortable_columns() -> list[Any]:
    """One column of each (table, type) a list could sort by: every non-JSON, non-bool one."""
    found = []
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        for column in table.columns:
            try:
                python_type = column.type.python_type
            except NotImplementedError:
                continue
            if python_type in SAMPLES and column.name != "id":
                found.append(column)
    return found


COLUMNS = _sortable_columns()


def test_every_sortable_column_type_is_known():
    # the types a column may have are the ones a cursor can carry (a new one fails here)
    assert {c.type.python_type for c in COLUMNS} == set(SAMPLES)


@pytest.mark.parametrize("column", COLUMNS, ids=[f"{c.table.name}.{c.name}" for c in COLUMNS])
def test_a_cursor_carries_the_sort_value_exactly(column):
    ordering = Ordering("K", column, column.table.c.id)
    value = SAMPLES[column.type.python_type]
    if isinstance(value, Decimal):
        value = round(value, getattr(column.type, "scale", 2) or 0)

    assert decode_cursor(ordering, encode_cursor(ordering, value, 7)) == (value, 7)


@pytest.mark.parametrize(
    "value",
    ["12.5", 12.5, {"n": 12}, {"n": "NaN"}, {"n": "Infinity"}, {"n": "1.234"}, {"n": "1e30"}],
    ids=["text", "float", "number", "nan", "infinity", "3-places", "beyond-bigint"],
)
def test_a_tampered_money_cursor_is_a_bad_request(value):
    ordering = Ordering("AMOUNT", Invoice.amount, Invoice.id)
    raw = json.dumps([ordering.cursor_tag, value, 1]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")

    with pytest.raises(BadRequest):
        decode_cursor(ordering, cursor)


AMOUNTS = """
query($orderBy: OrderOrder, $first: Int, $after: String) {
  orders(orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id amountDue { amount } }
  }
}
"""


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_orders_by_amount_page_through_equal_and_different_amounts(
    client, session, direction
):
    # given five orders: two of one product (equal amounts), three of others
    world = await make_world(session)
    products = [world.products[p] for p in ("ecs", "ecs", "evs", "ecs_xl", "ecs_east")]
    for n, product in enumerate(products):
        await create_proxy(client, world.sales, world.customer, [new_line(product)], key=f"o{n}")
    order_by = {"field": "AMOUNT_DUE", "direction": direction}
    whole = await gql(client, AMOUNTS, {"orderBy": order_by}, token=world.admin)
    expected = [n["id"] for n in whole["data"]["orders"]["nodes"]]

    # when they are read two at a time
    seen, after = [], None
    while True:
        body = await gql(
            client, AMOUNTS, {"orderBy": order_by, "first": 2, "after": after}, token=world.admin
        )
        assert "errors" not in body, body
        page = body["data"]["orders"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # then every order once, in amount order
    assert seen == expected and len(seen) == 5
    amounts = [Decimal(n["amountDue"]["amount"]) for n in whole["data"]["orders"]["nodes"]]
    assert amounts == sorted(amounts, reverse=direction == "DESC")
