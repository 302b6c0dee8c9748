"""The `customers` root field: every filter, the orderings, totalCount and former customers."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from app import clock
from app.models import Customer, Partner
from app.models.customers.enums import AssociationType, CustomerStatus
from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_customer, make_partner, make_user, token_for

CUSTOMERS = """
query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int) {
  customers(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    nodes { id name accountName associationType status associatedAt endedAt }
  }
}
"""

CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) { id name endedAt }
}
"""


async def admin_token(session: Any, partner: Partner) -> str:
    admin = await make_user(session, partner, Role.ADMIN)
    return await token_for(session, admin)


async def list_customers(
    client: Any,
    token: str,
    filter: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(
        client, CUSTOMERS, {"filter": filter, "orderBy": order_by, "first": 100}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["customers"]


def names(connection: dict[str, Any]) -> list[str]:
    return [node["name"] for node in connection["nodes"]]


def ids(customers: list[Customer]) -> list[str]:
    return [global_id("Customer", c.id) for c in customers]


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


# --- nameContains ---------------------------------------------------------------------------


async def test_name_contains_matches_anywhere_in_the_name(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    await make_customer(session, partner, name="Acme Cloud", associated_at=now - timedelta(days=1))
    await make_customer(session, partner, name="Big acme", associated_at=now - timedelta(days=2))
    await make_customer(session, partner, name="Initech", associated_at=now - timedelta(days=3))

    # when
    found = await list_customers(client, token, {"nameContains": "acme"})

    # then
    assert names(found) == ["Acme Cloud", "Big acme"]
    assert found["totalCount"] == 2


async def test_name_contains_is_case_insensitive_both_ways(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    await make_customer(session, partner, name="ACME CLOUD", associated_at=now - timedelta(days=1))
    await make_customer(session, partner, name="acme cloud", associated_at=now - timedelta(days=2))
    await make_customer(session, partner, name="AcMe Cloud", associated_at=now - timedelta(days=3))
    await make_customer(session, partner, name="Other", associated_at=now - timedelta(days=4))

    # when
    upper = await list_customers(client, token, {"nameContains": "ACME"})
    lower = await list_customers(client, token, {"nameContains": "acme"})
    mixed = await list_customers(client, token, {"nameContains": "aCmE cLoUd"})

    # then
    expected = ["ACME CLOUD", "acme cloud", "AcMe Cloud"]
    assert names(upper) == expected
    assert names(lower) == expected
    assert names(mixed) == expected


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("100%", ["100% Cloud"]),
        ("%", ["100% Cloud"]),
        ("a_b", ["a_b Trading"]),
        ("_", ["a_b Trading"]),
        ("/", ["x/y Media"]),
        ("\\", ["back\\slash Ltd"]),
        ("[a]", ["[a] Brackets"]),
    ],
    ids=[
        "percent-suffix",
        "percent",
        "underscore-infix",
        "underscore",
        "slash",
        "backslash",
        "brackets",
    ],
)
async def test_name_contains_treats_wildcards_literally(client, session, needle, expected):
    # given: names a LIKE pattern would match if `%`, `_`, `/` or `\` were not escaped
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    for i, name in enumerate(
        [
            "100% Cloud",
            "1000 Cloud",
            "a_b Trading",
            "axb Trading",
            "x/y Media",
            "xy Media",
            "back\\slash Ltd",
            "backslash Ltd",
            "[a] Brackets",
            "a Brackets",
        ]
    ):
        await make_customer(session, partner, name=name, associated_at=now - timedelta(days=i))

    # when
    found = await list_customers(client, token, {"nameContains": needle})

    # then
    assert names(found) == expected
    assert found["totalCount"] == len(expected)


async def test_empty_name_contains_matches_everything(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await make_customer(session, partner, name="One")
    await make_customer(session, partner, name="Two")

    found = await list_customers(client, token, {"nameContains": ""})

    assert found["totalCount"] == 2


# --- accountNameContains --------------------------------------------------------------------


async def test_account_name_contains_is_case_insensitive_and_literal(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    await make_customer(
        session, partner, name="East", account_name="Shop_East_01", associated_at=now
    )
    await make_customer(
        session,
        partner,
        name="West",
        account_name="shop_west_02",
        associated_at=now - timedelta(days=1),
    )
    await make_customer(
        session,
        partner,
        name="Blog",
        account_name="shopXwest",
        associated_at=now - timedelta(days=2),
    )

    # when
    shop = await list_customers(client, token, {"accountNameContains": "SHOP_"})
    west = await list_customers(client, token, {"accountNameContains": "West"})

    # then
    assert names(shop) == ["East", "West"]
    assert [n["accountName"] for n in shop["nodes"]] == ["Shop_East_01", "shop_west_02"]
    assert names(west) == ["West", "Blog"]


async def test_name_and_account_name_filters_search_their_own_field_only(client, session):
    # given: each customer's account name looks like the other's company name
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    await make_customer(
        session, partner, name="Contoso", account_name="acct_labs", associated_at=now
    )
    await make_customer(
        session,
        partner,
        name="Labs Inc",
        account_name="acct_contoso",
        associated_at=now - timedelta(days=1),
    )

    # when
    by_account = await list_customers(client, token, {"accountNameContains": "labs"})
    by_name = await list_customers(client, token, {"nameContains": "labs"})

    # then
    assert names(by_account) == ["Contoso"]
    assert names(by_name) == ["Labs Inc"]


# --- associationType, status ----------------------------------------------------------------


async def test_association_type_filter(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    reseller = await make_customer(
        session, partner, association_type=AssociationType.RESELLER, associated_at=now
    )
    referral = await make_customer(
        session,
        partner,
        association_type=AssociationType.REFERRAL,
        associated_at=now - timedelta(days=1),
    )

    # when
    resellers = await list_customers(client, token, {"associationType": "RESELLER"})
    referrals = await list_customers(client, token, {"associationType": "REFERRAL"})

    # then
    assert node_ids(resellers) == ids([reseller])
    assert [n["associationType"] for n in resellers["nodes"]] == ["RESELLER"]
    assert node_ids(referrals) == ids([referral])
    assert referrals["totalCount"] == 1


async def test_status_filter(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    now = clock.now()
    active = await make_customer(
        session, partner, status=CustomerStatus.ACTIVE, associated_at=now - timedelta(days=1)
    )
    frozen = await make_customer(
        session, partner, status=CustomerStatus.FROZEN, associated_at=now - timedelta(days=2)
    )
    also_active = await make_customer(
        session, partner, status=CustomerStatus.ACTIVE, associated_at=now - timedelta(days=3)
    )

    # when
    actives = await list_customers(client, token, {"status": "ACTIVE"})
    frozens = await list_customers(client, token, {"status": "FROZEN"})

    # then
    assert node_ids(actives) == ids([active, also_active])
    assert actives["totalCount"] == 2
    assert node_ids(frozens) == ids([frozen])
    assert [n["status"] for n in frozens["nodes"]] == ["FROZEN"]


# --- accountManagerId -----------------------------------------------------------------------


async def test_account_manager_filter(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    alice = await make_user(session, partner, Role.SALES)
    bob = await make_user(session, partner, Role.SALES)
    now = clock.now()
    alices = [
        await make_customer(session, partner, manager=alice, associated_at=now - timedelta(days=d))
        for d in (1, 3)
    ]
    await make_customer(session, partner, manager=bob, associated_at=now - timedelta(days=2))
    await make_customer(session, partner, associated_at=now - timedelta(days=4))

    # when
    found = await list_customers(
        client, token, {"accountManagerId": global_id("PartnerUser", alice.id)}
    )

    # then
    assert node_ids(found) == ids(alices)
    assert found["totalCount"] == 2


async def test_account_manager_of_another_partner_matches_nothing(client, session):
    partner = await make_partner(session)
    other = await make_partner(session)
    token = await admin_token(session, partner)
    foreign_manager = await make_user(session, other, Role.SALES)
    await make_customer(session, partner)
    await make_customer(session, other, manager=foreign_manager)

    found = await list_customers(
        client, token, {"accountManagerId": global_id("PartnerUser", foreign_manager.id)}
    )

    assert found == {"totalCount": 0, "nodes": []}


@pytest.mark.parametrize(
    "bad_id",
    ["garbage", "", "UGFydG5lclVzZXI6YWJj", "Q3VzdG9tZXI6MQ"],
    ids=["garbage", "empty", "non-numeric-id", "customer-id"],
)
async def test_malformed_account_manager_id_is_bad_user_input(client, session, bad_id):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await make_customer(session, partner)

    # when
    body = await gql(
        client, CUSTOMERS, {"filter": {"accountManagerId": bad_id}, "first": 10}, token=token
    )

    # then
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["customers"]
    assert "accountManagerId" in error["message"]


# --- associatedBetween ----------------------------------------------------------------------


async def _customers_around(session: Any, partner: Partner) -> dict[str, Customer]:
    """Customers associated just before, at, inside, just before the end and at the end."""
    start = clock.now() - timedelta(days=10)
    end = clock.now() - timedelta(days=5)
    moments = {
        "before": start - timedelta(microseconds=1),
        "at_start": start,
        "inside": start + timedelta(days=2),
        "before_end": end - timedelta(microseconds=1),
        "at_end": end,
    }
    return {
        label: await make_customer(session, partner, name=label, associated_at=at)
        for label, at in moments.items()
    }


def _iso(value: Any) -> str:
    return value.isoformat()


async def test_associated_between_is_from_inclusive_to_exclusive(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    start = clock.now() - timedelta(days=10)
    end = clock.now() - timedelta(days=5)

    # when
    found = await list_customers(
        client,
        token,
        {"associatedBetween": {"from": _iso(start), "to": _iso(end)}},
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    # then
    assert names(found) == ["at_start", "inside", "before_end"]
    assert found["totalCount"] == 3


async def test_associated_between_with_only_from(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    start = clock.now() - timedelta(days=10)

    found = await list_customers(
        client,
        token,
        {"associatedBetween": {"from": _iso(start)}},
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    assert names(found) == ["at_start", "inside", "before_end", "at_end"]


async def test_associated_between_with_only_to(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    end = clock.now() - timedelta(days=5)

    found = await list_customers(
        client,
        token,
        {"associatedBetween": {"to": _iso(end)}},
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    assert names(found) == ["before", "at_start", "inside", "before_end"]


async def test_associated_between_honours_the_utc_offset(client, session):
    # given: the same instants as in the inclusive/exclusive test, written in +08:00
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    start = clock.now() - timedelta(days=10)
    end = clock.now() - timedelta(days=5)
    shanghai = timezone(timedelta(hours=8))

    # when
    found = await list_customers(
        client,
        token,
        {
            "associatedBetween": {
                "from": _iso(start.astimezone(shanghai)),
                "to": _iso(end.astimezone(shanghai)),
            }
        },
        {"field": "ASSOCIATED_AT", "direction": "ASC"},
    )

    # then
    assert names(found) == ["at_start", "inside", "before_end"]


async def test_empty_associated_between_matches_everything(client, session):
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)

    found = await list_customers(client, token, {"associatedBetween": {}})

    assert found["totalCount"] == 5


async def test_associated_between_without_utc_offset_is_refused(client, session):
    # given: a time without an offset is ambiguous (UTC? Beijing?), so it is bad input
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    await _customers_around(session, partner)
    naive = (clock.now() - timedelta(days=10)).replace(tzinfo=None).isoformat()

    # when
    body = await gql(
        client,
        CUSTOMERS,
        {"filter": {"associatedBetween": {"from": naive}}, "first": 100},
        token=token,
    )

    # then: refused before execution, with a message that says what to add
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
    assert "UTC offset" in error["message"]


# --- filters combined, tenancy --------------------------------------------------------------


async def test_filters_combine_with_and_and_total_count_follows_them(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    manager = await make_user(session, partner, Role.SALES)
    now = clock.now()
    match = await make_customer(
        session,
        partner,
        name="Acme North",
        association_type=AssociationType.REFERRAL,
        status=CustomerStatus.ACTIVE,
        manager=manager,
        associated_at=now - timedelta(days=1),
    )
    # each of these misses exactly one condition
    await make_customer(
        session,
        partner,
        name="Acme South",
        association_type=AssociationType.RESELLER,
        manager=manager,
        associated_at=now - timedelta(days=1),
    )
    await make_customer(
        session,
        partner,
        name="Acme West",
        association_type=AssociationType.REFERRAL,
        status=CustomerStatus.FROZEN,
        manager=manager,
        associated_at=now - timedelta(days=1),
    )
    await make_customer(
        session,
        partner,
        name="Acme East",
        association_type=AssociationType.REFERRAL,
        associated_at=now - timedelta(days=1),
    )
    await make_customer(
        session,
        partner,
        name="Globex",
        association_type=AssociationType.REFERRAL,
        manager=manager,
        associated_at=now - timedelta(days=1),
    )
    await make_customer(
        session,
        partner,
        name="Acme Old",
        association_type=AssociationType.REFERRAL,
        manager=manager,
        associated_at=now - timedelta(days=40),
    )

    # when
    found = await list_customers(
        client,
        token,
        {
            "nameContains": "acme",
            "associationType": "REFERRAL",
            "status": "ACTIVE",
            "accountManagerId": global_id("PartnerUser", manager.id),
            "associatedBetween": {"from": _iso(now - timedelta(days=30))},
        },
    )
    everything = await list_customers(client, token)

    # then
    assert node_ids(found) == ids([match])
    assert found["totalCount"] == 1
    assert everything["totalCount"] == 6


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
