"""`coupons`, `node(id)` of a coupon and `Customer.coupons`: filters, ordering, status as of
now, usages, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.models.partners.enums import Role
from tests.coupons.helpers import (
    cash,
    discount,
    hold_by_new_order,
    issue,
    use,
)
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_partner,
    make_user,
    token_for,
)

COUPONS = """
query($filter: CouponFilter, $orderBy: CouponOrder, $first: Int, $after: String) {
  coupons(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id kind status balance { amount } validTo
      quota { id remaining { amount } }
      heldByOrder { id }
      usages { source day amount { amount } order { id } createdAt }
    }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on Coupon { id status customer { id } } } }"
CUSTOMER_COUPONS = """
query($id: ID!, $filter: CouponFilter) {
  node(id: $id) {
    ... on Customer { coupons(filter: $filter, first: 10) { totalCount nodes { id } } }
  }
}
"""


def gid(coupon):
    return global_id("Coupon", coupon.id)


async def coupons(client, token, **variables):
    body = await gql(client, COUPONS, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["coupons"]


async def test_coupons_newest_first_with_their_usages(client, session, world, frozen_clock):
    # given three coupons issued a minute apart, one partly used, one held by an order
    first = await issue(session, world.finance, world.quota, world.customers[:1], cash())
    frozen_clock.advance(timedelta(minutes=1))
    second = await issue(session, world.finance, world.quota, world.customers[1:2], discount())
    frozen_clock.advance(timedelta(minutes=1))
    third = await issue(session, world.finance, world.quota, world.customers[2:], cash("10.00"))
    order = await hold_by_new_order(session, second[0])
    await use(session, first[0], "40.00")
    await use(session, first[0], "5.00", order=order)

    # when
    page = await coupons(client, world.tokens["VIEWER"])

    # then
    assert page["totalCount"] == 3
    assert [n["id"] for n in page["nodes"]] == [gid(third[0]), gid(second[0]), gid(first[0])]
    used = page["nodes"][2]
    assert used["status"] == "PARTIALLY_USED" and used["balance"] == {"amount": "55.00"}
    assert [(u["source"], u["amount"]["amount"]) for u in used["usages"]] == [
        ("CONSUMPTION", "40.00"),
        ("ORDER", "5.00"),
    ]
    assert used["usages"][0]["day"] == clock.now().date().isoformat()
    assert used["usages"][1]["order"] == {"id": global_id("Order", order.id)}
    assert page["nodes"][1]["heldByOrder"] == {"id": global_id("Order", order.id)}
    assert used["quota"]["id"] == global_id("CouponQuota", world.quota.id)


async def test_filters_and_ordering(client, session, world, frozen_clock):
    soon = await issue(session, world.finance, world.quota, world.customers[:1], cash(days=2))
    late = await issue(session, world.finance, world.quota, world.customers[1:2], discount(days=20))
    token = world.tokens["ADMIN"]

    by_valid_to = await coupons(client, token, orderBy={"field": "VALID_TO", "direction": "ASC"})
    expiring = await coupons(
        client, token, filter={"expiringBefore": iso(clock.now() + timedelta(days=3))}
    )
    kinds = await coupons(client, token, filter={"kinds": ["DISCOUNT"]})
    mine = await coupons(
        client, token, filter={"customerIds": [global_id("Customer", world.customers[0].id)]}
    )

    assert [n["id"] for n in by_valid_to["nodes"]] == [gid(soon[0]), gid(late[0])]
    assert [n["id"] for n in expiring["nodes"]] == [gid(soon[0])]
    assert [n["id"] for n in kinds["nodes"]] == [gid(late[0])]
    assert [n["id"] for n in mine["nodes"]] == [gid(soon[0])]


async def test_expired_shows_as_soon_as_validity_passes(client, session, world, frozen_clock):
    # given a coupon ending in 2 days, not yet swept by the job
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1], cash(days=2))
    await issue(session, world.finance, world.quota, world.customers[1:2], cash())
    frozen_clock.advance(timedelta(days=3))
    token = world.tokens["FINANCE"]

    # when
    expired = await coupons(client, token, filter={"statuses": ["EXPIRED"]})
    available = await coupons(client, token, filter={"statuses": ["AVAILABLE"]})

    # then
    assert [(n["id"], n["status"]) for n in expired["nodes"]] == [(gid(coupon), "EXPIRED")]
    assert available["totalCount"] == 1


async def test_keyset_pages(client, session, world, frozen_clock):
    issued = []
    for _ in range(5):
        issued += await issue(
            session, world.finance, world.quota, world.customers[:1], cash("1.00")
        )
        frozen_clock.advance(timedelta(seconds=1))
    token = world.tokens["ADMIN"]

    first = await coupons(client, token, first=2)
    second = await coupons(client, token, first=2, after=first["pageInfo"]["endCursor"])
    third = await coupons(client, token, first=2, after=second["pageInfo"]["endCursor"])

    seen = [n["id"] for page in (first, second, third) for n in page["nodes"]]
    assert seen == [gid(c) for c in reversed(issued)]
    assert third["pageInfo"]["hasNextPage"] is False


async def test_who_sees_which_coupons(client, session, world):
    # given a SALES user managing the first customer, coupons for two customers
    sales = await make_user(session, world.partner, Role.SALES)
    world.customers[0].account_manager_id = sales.id
    await session.flush()
    mine = await issue(session, world.finance, world.quota, world.customers[:1], cash())
    theirs = await issue(session, world.finance, world.quota, world.customers[1:2], cash())
    other_partner = await make_partner(session)
    other_admin = await token_for(session, await make_user(session, other_partner))

    # when / then: a SALES user its managed customers' (and no quota)
    page = await coupons(client, await token_for(session, sales))
    assert [n["id"] for n in page["nodes"]] == [gid(mine[0])]
    assert page["nodes"][0]["quota"] is None
    # a customer its own, without the quota
    own = await coupons(client, await customer_token(session, world.customers[1]))
    assert [n["id"] for n in own["nodes"]] == [gid(theirs[0])]
    assert own["nodes"][0]["quota"] is None
    # another partner nothing, and node(id) of a coupon is null for it
    assert (await coupons(client, other_admin))["totalCount"] == 0
    body = await gql(client, NODE, {"id": gid(mine[0])}, token=other_admin)
    assert body["data"]["node"] is None
    # the platform all of them
    assert (await coupons(client, world.tokens["PLATFORM"]))["totalCount"] >= 2


async def test_node_and_customer_coupons(client, session, world):
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1], cash())
    await issue(session, world.finance, world.quota, world.customers[1:2], cash())
    token = world.tokens["ADMIN"]

    node = await gql(client, NODE, {"id": gid(coupon)}, token=token)
    customer = await gql(
        client,
        CUSTOMER_COUPONS,
        {
            "id": global_id("Customer", world.customers[0].id),
            # the parent decides the customer: customerIds is ignored here
            "filter": {"customerIds": [global_id("Customer", world.customers[1].id)]},
        },
        token=token,
    )

    assert node["data"]["node"] == {
        "id": gid(coupon),
        "status": "AVAILABLE",
        "customer": {"id": global_id("Customer", world.customers[0].id)},
    }
    assert customer["data"]["node"]["coupons"] == {"totalCount": 1, "nodes": [{"id": gid(coupon)}]}


@pytest.mark.parametrize(
    "variables",
    [
        {"filter": {"customerIds": ["nope"]}},
        {"after": "not-a-cursor"},
        {"first": 101},
    ],
)
async def test_malformed_arguments_are_bad_user_input(client, world, variables):
    body = await gql(client, COUPONS, variables, token=world.tokens["ADMIN"])

    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
