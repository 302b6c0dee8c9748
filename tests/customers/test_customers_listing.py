"""The `customers` root field's totalCount, whose customers it lists (the partner's own,
current ones) and its orderings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app import clock
from app.models import Customer, Partner
from tests.customers.customers_query_helpers import (
    CUSTOMERS,
    admin_token,
    ids,
    list_customers,
    names,
    node_ids,
)
from tests.factories import global_id, gql, make_customer, make_partner

CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) { id name endedAt }
}
"""


async def test_total_count_counts_the_whole_filtered_list_not_the_page(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    for i in range(7):
        await make_customer(session, partner, name=f"match {i}")
    for i in range(3):
        await make_customer(session, partner, name=f"other {i}")

    # when
    body = await gql(
        client, CUSTOMERS, {"filter": {"nameContains": "match"}, "first": 2}, token=token
    )

    # then
    connection = body["data"]["customers"]
    assert len(connection["nodes"]) == 2
    assert connection["totalCount"] == 7


async def test_filter_matching_nothing_gives_an_empty_connection(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await make_customer(session, partner, name="Acme")

    found = await list_customers(client, token, {"nameContains": "zzz"})

    assert found == {"totalCount": 0, "nodes": []}


async def test_another_partners_customers_are_never_listed(client, session):
    # given
    mine = await make_partner(session)
    theirs = await make_partner(session)
    token = await admin_token(session, mine)
    own = await make_customer(session, mine, name="Acme Mine")
    await make_customer(session, theirs, name="Acme Theirs")

    # when
    found = await list_customers(client, token, {"nameContains": "acme"})

    # then
    assert node_ids(found) == ids([own])
    assert found["totalCount"] == 1


# --- former customers -----------------------------------------------------------------------


async def test_former_customers_are_not_listed_but_can_be_fetched_by_id(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    current = await make_customer(
        session, partner, name="Acme Current", associated_at=now - timedelta(days=10)
    )
    former = await make_customer(
        session,
        partner,
        name="Acme Former",
        associated_at=now - timedelta(days=20),
        ended_at=now - timedelta(days=1),
    )

    # when
    listed = await list_customers(client, token)
    filtered = await list_customers(client, token, {"nameContains": "former"})
    by_name = await list_customers(client, token, order_by={"field": "NAME"})
    fetched = await gql(client, CUSTOMER, {"id": global_id("Customer", former.id)}, token=token)

    # then
    assert node_ids(listed) == ids([current])
    assert listed["totalCount"] == 1
    assert [n["endedAt"] for n in listed["nodes"]] == [None]
    assert filtered == {"totalCount": 0, "nodes": []}
    assert node_ids(by_name) == ids([current])
    assert fetched["data"]["customer"] == {
        "id": global_id("Customer", former.id),
        "name": "Acme Former",
        "endedAt": "2026-06-14T04:00:00Z",
    }


# --- orderings ------------------------------------------------------------------------------


async def _named_customers(session: Any, partner: Partner) -> list[Customer]:
    """Customers whose names sort the same under any collation (lowercase ASCII letters)."""
    now = clock.now()
    specs = [
        ("ordb", now - timedelta(days=3)),
        ("ordd", now - timedelta(days=1)),
        ("orda", now - timedelta(days=4)),
        ("ordc", now - timedelta(days=2)),
        ("ordab", now - timedelta(days=5)),
    ]
    return [
        await make_customer(session, partner, name=name, associated_at=at) for name, at in specs
    ]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ({"field": "NAME", "direction": "ASC"}, ["orda", "ordab", "ordb", "ordc", "ordd"]),
        ({"field": "NAME", "direction": "DESC"}, ["ordd", "ordc", "ordb", "ordab", "orda"]),
        ({"field": "NAME"}, ["orda", "ordab", "ordb", "ordc", "ordd"]),
        ({"field": "ASSOCIATED_AT", "direction": "ASC"}, ["ordab", "orda", "ordb", "ordc", "ordd"]),
        (
            {"field": "ASSOCIATED_AT", "direction": "DESC"},
            ["ordd", "ordc", "ordb", "orda", "ordab"],
        ),
        (None, ["ordd", "ordc", "ordb", "orda", "ordab"]),
    ],
    ids=["name-asc", "name-desc", "name-default-asc", "assoc-asc", "assoc-desc", "default"],
)
async def test_orderings(client, session, order_by, expected):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _named_customers(session, partner)

    # when
    found = await list_customers(client, token, order_by=order_by)

    # then
    assert names(found) == expected


async def test_name_ordering_follows_the_database_collation(client, session):
    # given: mixed case, spaces and non-ASCII, whose order depends on the collation
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    for name in ["beta Co", "Alpha Co", "alpha co", "Äpfel", "北京科技", "Zeta", "上海网络"]:
        await make_customer(session, partner, name=name)
    expected = list(
        await session.scalars(
            select(Customer.name)
            .where(Customer.partner_id == partner.id)
            .order_by(Customer.name, Customer.id)
        )
    )

    # when
    ascending = await list_customers(client, token, order_by={"field": "NAME"})
    descending = await list_customers(
        client, token, order_by={"field": "NAME", "direction": "DESC"}
    )

    # then
    assert names(ascending) == expected
    assert names(descending) == expected[::-1]


async def test_ties_on_the_sort_key_are_broken_by_id(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    at = clock.now() - timedelta(days=3)
    same = [await make_customer(session, partner, name="twin", associated_at=at) for _ in range(3)]

    # when
    by_name_asc = await list_customers(client, token, order_by={"field": "NAME"})
    by_name_desc = await list_customers(
        client, token, order_by={"field": "NAME", "direction": "DESC"}
    )
    by_assoc_asc = await list_customers(client, token, order_by={"field": "ASSOCIATED_AT"})
    by_default = await list_customers(client, token)

    # then
    ascending = ids(sorted(same, key=lambda c: c.id))
    assert node_ids(by_name_asc) == ascending
    assert node_ids(by_name_desc) == ascending[::-1]
    assert node_ids(by_assoc_asc) == ascending
    assert node_ids(by_default) == ascending[::-1]
