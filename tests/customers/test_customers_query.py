"""The `customers` root field's filters: name, account name, association type, status,
account manager, and all of them combined."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.models.customers.enums import AssociationType, CustomerStatus
from app.models.partners.enums import Role
from tests.customers.customers_query_helpers import (
    CUSTOMERS,
    _iso,
    admin_token,
    ids,
    list_customers,
    names,
    node_ids,
)
from tests.factories import global_id, gql, make_customer, make_partner, make_user

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
