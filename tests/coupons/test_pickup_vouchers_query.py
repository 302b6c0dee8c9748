"""pickupVouchers (提货券管理): the partner's list of its customers' vouchers, with the status as
of now and the holding or redeeming order; who sees what; filters, pages and statement counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.globalid import from_global_id
from app.models.coupons.enums import PickupVoucherStatus
from tests.coupons.pickup_voucher_helpers import (
    LIST,
    create,
    make_voucher,
    make_world,
    voucher_input,
)
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import recharge
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import create_proxy, new_line


@pytest.fixture
async def world(session):
    return await make_world(session)


async def vouchers(client, token, **variables):
    body = await gql(client, LIST, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["pickupVouchers"]


def gid(voucher) -> str:
    return global_id("PickupVoucher", voucher.id)


async def order_for(client, session, world, customer, key="order-1") -> int:
    """An unpaid proxy order of the customer (its id)."""
    await make_authorization(session, customer, ends_at=clock.now() + timedelta(days=400))
    await recharge(session, world.partner, "10000.00")
    created = await create_proxy(
        client, world.tokens["ADMIN"], customer, [new_line(world.products["ecs"])], key=key
    )
    assert created["userErrors"] == [], created
    return from_global_id(created["order"]["id"])[1]


async def test_the_partner_lists_created_vouchers_newest_first(
    client, session, world, frozen_clock
):
    # given vouchers created by the platform, one call after the other
    await create(client, world.platform, voucher_input(world, world.customer))
    frozen_clock.advance(timedelta(minutes=1))
    await create(
        client, world.platform, voucher_input(world, world.other, idempotencyKey="vouchers-2")
    )

    # when the partner's ADMIN lists them
    page = await vouchers(client, world.tokens["ADMIN"])

    # then newest first, with who holds them and what for
    assert page["totalCount"] == 2
    holders = [v["customer"]["id"] for v in page["nodes"]]
    assert holders == [global_id("Customer", c.id) for c in (world.other, world.customer)]
    assert {v["product"]["code"] for v in page["nodes"]} == {"ecs.s6-large-2.cn-north-4.ym"}
    assert {v["status"] for v in page["nodes"]} == {"AVAILABLE"}


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "VIEWER"])
async def test_every_role_reads_the_list(client, session, world, role):
    # given
    await make_voucher(session, world.customer, world.products["ecs"])
    await make_voucher(session, world.other, world.products["ecs"])

    # when / then
    assert (await vouchers(client, world.tokens[role]))["totalCount"] == 2


async def test_a_restricted_sales_user_sees_its_customers_vouchers(client, session, world):
    # given one voucher of the SALES user's customer and one of another
    mine = await make_voucher(session, world.customer, world.products["ecs"])
    await make_voucher(session, world.other, world.products["ecs"])

    # when
    page = await vouchers(client, world.tokens["SALES"])

    # then only its own customer's
    assert [v["id"] for v in page["nodes"]] == [gid(mine)]
    assert page["totalCount"] == 1


async def test_a_customer_sees_its_own_vouchers(client, session, world):
    # given
    mine = await make_voucher(session, world.customer, world.products["ecs"])
    await make_voucher(session, world.other, world.products["ecs"])

    # when
    page = await vouchers(client, await customer_token(session, world.customer))

    # then
    assert [v["id"] for v in page["nodes"]] == [gid(mine)]


async def test_the_platform_sees_every_partners_vouchers(client, session, world):
    # given a voucher of this partner and one of another
    stranger = await make_customer(session, await make_partner(session))
    await make_voucher(session, world.customer, world.products["ecs"])
    await make_voucher(session, stranger, world.products["ecs"])

    # when / then
    assert (await vouchers(client, world.platform))["totalCount"] == 2


async def test_another_partners_vouchers_are_invisible(client, session, world):
    # given a voucher of another partner
    other_partner = await make_partner(session)
    stranger = await make_customer(session, other_partner)
    foreign = await make_voucher(session, stranger, world.products["ecs"])
    await make_voucher(session, world.customer, world.products["ecs"])

    # when the partner lists, filters by that customer and asks for the node
    page = await vouchers(client, world.tokens["ADMIN"])
    filtered = await vouchers(
        client, world.tokens["ADMIN"], filter={"customerIds": [global_id("Customer", stranger.id)]}
    )
    node = await gql(
        client,
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": gid(foreign)},
        token=world.tokens["ADMIN"],
    )

    # then it sees none of it
    assert gid(foreign) not in [v["id"] for v in page["nodes"]]
    assert filtered["totalCount"] == 0
    assert node == {"data": {"node": None}}
    own = await token_for(session, await make_user(session, other_partner))
    assert (await vouchers(client, own))["totalCount"] == 1


async def test_a_voucher_is_a_node(client, session, world):
    # given
    voucher = await make_voucher(session, world.customer, world.products["ecs"], remark="r")

    # when
    body = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on PickupVoucher { id remark period { count } } } }",
        {"id": gid(voucher)},
        token=world.tokens["VIEWER"],
    )

    # then
    assert body["data"]["node"] == {"id": gid(voucher), "remark": "r", "period": {"count": 1}}


async def test_the_status_is_as_of_now(client, session, world):
    # given a voucher whose validity has passed (stored AVAILABLE), and a current one
    lapsed = await make_voucher(
        session, world.customer, world.products["ecs"], valid_to=clock.now() - timedelta(hours=1)
    )
    current = await make_voucher(session, world.customer, world.products["ecs"])

    # when
    page = await vouchers(client, world.tokens["ADMIN"])
    expired = await vouchers(client, world.tokens["ADMIN"], filter={"statuses": ["EXPIRED"]})
    available = await vouchers(client, world.tokens["ADMIN"], filter={"statuses": ["AVAILABLE"]})

    # then the lapsed one reads EXPIRED, in the list and through the filter
    statuses = {v["id"]: v["status"] for v in page["nodes"]}
    assert statuses == {gid(lapsed): "EXPIRED", gid(current): "AVAILABLE"}
    assert [v["id"] for v in expired["nodes"]] == [gid(lapsed)]
    assert [v["id"] for v in available["nodes"]] == [gid(current)]


async def test_a_redeemed_voucher_shows_its_order(client, session, world):
    # given a voucher an order redeemed (as the orders domain leaves it)
    order_id = await order_for(client, session, world, world.customer)
    redeemed = await make_voucher(
        session,
        world.customer,
        world.products["ecs"],
        status=PickupVoucherStatus.REDEEMED,
        redeemed_order_id=order_id,
        redeemed_at=clock.now(),
        valid_to=clock.now() - timedelta(days=1),
    )
    await make_voucher(session, world.customer, world.products["ecs"])

    # when
    page = await vouchers(client, world.tokens["ADMIN"], filter={"statuses": ["REDEEMED"]})

    # then REDEEMED (also past its validity), with the redeeming order
    assert [v["id"] for v in page["nodes"]] == [gid(redeemed)]
    node = page["nodes"][0]
    assert node["status"] == "REDEEMED"
    assert node["redeemedOrder"] == {"id": global_id("Order", order_id)}
    assert node["redeemedAt"] is not None
    assert node["heldByOrder"] is None


async def test_a_held_voucher_shows_the_holding_order_until_the_hold_lapses(
    client, session, world, frozen_clock
):
    # given a voucher past its validity that an unpaid order holds for another hour
    order_id = await order_for(client, session, world, world.customer)
    held = await make_voucher(
        session,
        world.customer,
        world.products["ecs"],
        held_by_order_id=order_id,
        held_until=clock.now() + timedelta(hours=1),
        valid_to=clock.now() - timedelta(minutes=1),
    )

    # when read now, and after the hold lapsed
    now = (await vouchers(client, world.tokens["ADMIN"]))["nodes"][0]
    frozen_clock.advance(timedelta(hours=2))
    later = (await vouchers(client, world.tokens["ADMIN"]))["nodes"][0]

    # then the hold keeps it AVAILABLE; once lapsed it reads EXPIRED and held by nothing
    assert now["id"] == gid(held)
    assert (now["status"], now["heldByOrder"]) == (
        "AVAILABLE",
        {"id": global_id("Order", order_id)},
    )
    assert (later["status"], later["heldByOrder"]) == ("EXPIRED", None)


async def test_filters_by_customer_and_product(client, session, world):
    # given vouchers of two customers for two products
    a = await make_voucher(session, world.customer, world.products["ecs"])
    b = await make_voucher(session, world.other, world.products["evs"])
    c = await make_voucher(session, world.other, world.products["ecs"])

    # when
    by_customer = await vouchers(
        client,
        world.tokens["ADMIN"],
        filter={"customerIds": [global_id("Customer", world.other.id)]},
    )
    by_product = await vouchers(
        client,
        world.tokens["ADMIN"],
        filter={"productIds": [global_id("Product", world.products["ecs"])]},
    )
    both = await vouchers(
        client,
        world.tokens["ADMIN"],
        filter={
            "customerIds": [global_id("Customer", world.other.id)],
            "productIds": [global_id("Product", world.products["evs"])],
        },
    )

    # then
    assert {v["id"] for v in by_customer["nodes"]} == {gid(b), gid(c)}
    assert {v["id"] for v in by_product["nodes"]} == {gid(a), gid(c)}
    assert [v["id"] for v in both["nodes"]] == [gid(b)]


async def test_a_malformed_filter_id_is_bad_input(client, world):
    # when
    body = await gql(
        client,
        LIST,
        {"filter": {"customerIds": [global_id("Order", 1)]}},
        token=world.tokens["ADMIN"],
    )

    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "customerIds" in body["errors"][0]["message"]


async def test_pages_follow_the_cursor(client, session, world):
    # given five vouchers, a minute apart
    made = []
    for n in range(5):
        made.append(
            await make_voucher(
                session,
                world.customer,
                world.products["ecs"],
                created_at=clock.now() - timedelta(minutes=n),
            )
        )

    # when paging two at a time
    seen, after = [], None
    while True:
        page = await vouchers(client, world.tokens["ADMIN"], first=2, after=after)
        seen += [v["id"] for v in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # then every voucher once, newest first
    assert seen == [gid(v) for v in made]


async def test_first_out_of_range_is_refused(client, world):
    # when
    body = await gql(client, LIST, {"first": 101}, token=world.tokens["ADMIN"])

    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


NESTED = """
query($first: Int) {
  pickupVouchers(first: $first) {
    nodes {
      id status customer { id name } product { id code } redeemedOrder { id status }
      heldByOrder { id }
    }
  }
}
"""


async def test_nested_fields_do_not_grow_statements_with_page_size(
    client, session, world, statements
):
    # given vouchers of several customers, each redeemed by its own order
    for n in range(6):
        customer = await make_customer(session, world.partner)
        order_id = await order_for(client, session, world, customer, key=f"order-{n}")
        await make_voucher(
            session,
            customer,
            world.products["ecs" if n % 2 else "evs"],
            status=PickupVoucherStatus.REDEEMED,
            redeemed_order_id=order_id,
            redeemed_at=clock.now(),
        )
    await gql(client, NESTED, {"first": 1}, token=world.tokens["ADMIN"])  # warm up

    # when the list is read with two and with six vouchers
    counts = []
    for first in (2, 6):
        statements.reset()
        statements.active = True
        body = await gql(client, NESTED, {"first": first}, token=world.tokens["ADMIN"])
        statements.active = False
        assert "errors" not in body, body
        assert len(body["data"]["pickupVouchers"]["nodes"]) == first
        counts.append(statements.count)

    # then the same statements
    assert counts[0] == counts[1]


CUSTOMER_VOUCHERS = """
query($first: Int) {
  customers(first: $first) {
    nodes { id pickupVouchers(first: 2) { totalCount nodes { id product { code } } } }
  }
}
"""


async def test_customer_pickup_vouchers_are_batched(client, session, world, statements):
    # given every customer with three vouchers
    customers = [world.customer, world.other]
    for _ in range(4):
        customers.append(await make_customer(session, world.partner))
    for customer in customers:
        for _ in range(3):
            await make_voucher(session, customer, world.products["ecs"])
    await gql(client, CUSTOMER_VOUCHERS, {"first": 1}, token=world.tokens["ADMIN"])  # warm up

    # when customers are read with their vouchers, few and many
    counts = []
    for first in (2, 6):
        statements.reset()
        statements.active = True
        body = await gql(client, CUSTOMER_VOUCHERS, {"first": first}, token=world.tokens["ADMIN"])
        statements.active = False
        assert "errors" not in body, body
        counts.append(statements.count)

    # then the same statements, each customer its own first page and total
    assert counts[0] == counts[1]
    nodes = {n["id"]: n["pickupVouchers"] for n in body["data"]["customers"]["nodes"]}
    held = {global_id("Customer", c.id) for c in customers}
    assert {k: v["totalCount"] for k, v in nodes.items() if k in held} == dict.fromkeys(
        [k for k in nodes if k in held], 3
    )
    assert all(len(v["nodes"]) == 2 for k, v in nodes.items() if k in held)
