"""`invoices(filter, orderBy, first, after)` and `node(id)` of an invoice: filters, orderings,
keyset pages, the lines each invoice covers, who sees what, and batched nested reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.models import Invoice
from app.models.invoices.enums import InvoiceStatus, InvoiceType
from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests.factories import global_id, gql, iso, make_user
from tests.funds.helpers import acting_as, platform
from tests.invoices.helpers import World, make_profile
from tests.invoices.money import consume, iid, issue, request, spender

INVOICES = """
query($filter: InvoiceFilter, $orderBy: InvoiceOrder, $first: Int, $after: String) {
  invoices(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id status invoiceType item amount { amount } invoiceNumber
      lines { cycle amount { amount } }
      profile { id title }
      partner { id }
    }
  }
}
"""
IDS = """
query($orderBy: InvoiceOrder, $first: Int, $after: String) {
  invoices(orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Invoice { status amount { amount } } } }"


@dataclass
class Books:
    """Four invoices of the world's partner, requested a minute apart:

    - `issued`: 30.00 of 2026-03 (general), issued last, number 00000001;
    - `rejected`: 10.00 of 2026-04 (special), rejected at once;
    - `general`: 25.00, 20.00 of 2026-04 and 5.00 of 2026-05, REQUESTED;
    - `special`: the rest of 2026-05, 45.00, REQUESTED.
    """

    issued: int
    rejected: int
    general: int
    special: int

    @property
    def newest_first(self) -> list[str]:
        return [iid(i) for i in (self.special, self.general, self.rejected, self.issued)]


@pytest.fixture
async def books(session, world: World, frozen_clock) -> Books:
    admin, finance = world.users[Role.ADMIN], world.users[Role.FINANCE]
    who = await spender(session, world.partner, admin)
    for day, amount in ((date(2026, 3, 5), "30.00"), (date(2026, 4, 5), "20.00")):
        await consume(session, who, amount, day)
    await consume(session, who, "50.00", date(2026, 5, 5))
    general = await make_profile(session, admin, title="通用示例有限公司")
    special = await make_profile(
        session,
        admin,
        title="专票示例有限公司",
        invoice_type=InvoiceType.VAT_SPECIAL,
        bank_name="中国银行",
        bank_account="6217 0000 0000 0000",
        address="北京市海淀区 1 号",
        phone="010-12345678",
    )
    issued = await request(session, finance, general.id, amount="30.00")
    frozen_clock.advance(timedelta(minutes=1))
    rejected = await request(session, finance, special.id, amount="10.00")
    await transitions.reject_invoice(platform(session), rejected, "税号有误")
    frozen_clock.advance(timedelta(minutes=1))
    general_id = await request(session, finance, general.id, amount="25.00")
    frozen_clock.advance(timedelta(minutes=1))
    special_id = await request(session, finance, special.id, cycles=["2026-05"])
    frozen_clock.advance(timedelta(minutes=1))
    await issue(session, issued, "00000001", date(2026, 6, 15))
    return Books(issued, rejected, general_id, special_id)


async def invoices(client, token, document=INVOICES, **variables):
    body = await gql(client, document, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["invoices"]


def ids(page) -> list[str]:
    return [n["id"] for n in page["nodes"]]


async def test_invoices_newest_first_with_what_each_covers(client, world, books):
    # when a VIEWER lists the partner's invoices
    page = await invoices(client, world.tokens["VIEWER"])

    # then every one, newest request first, each with its lines, oldest cycle first
    assert page["totalCount"] == 4
    assert ids(page) == books.newest_first
    by_id = {n["id"]: n for n in page["nodes"]}
    general = by_id[iid(books.general)]
    assert general["lines"] == [
        {"cycle": "2026-04", "amount": {"amount": "20.00"}},
        {"cycle": "2026-05", "amount": {"amount": "5.00"}},
    ]
    assert general["amount"] == {"amount": "25.00"}
    assert general["item"] == "云服务费"
    assert general["profile"]["title"] == "通用示例有限公司"
    assert by_id[iid(books.special)]["lines"] == [
        {"cycle": "2026-05", "amount": {"amount": "45.00"}}
    ]
    issued = by_id[iid(books.issued)]
    assert (issued["status"], issued["invoiceNumber"]) == ("ISSUED", "00000001")
    assert by_id[iid(books.rejected)]["status"] == "REJECTED"


@pytest.mark.parametrize(
    "condition, expected",
    [
        ({"statuses": ["REQUESTED"]}, ["special", "general"]),
        ({"statuses": ["ISSUED", "REJECTED"]}, ["rejected", "issued"]),
        ({"invoiceTypes": ["VAT_SPECIAL"]}, ["special", "rejected"]),
        ({"cycle": "2026-04"}, ["general", "rejected"]),
        ({"cycle": "2026-05"}, ["special", "general"]),
        ({"cycle": "2026-01"}, []),
        ({"invoiceNumber": " 00000001 "}, ["issued"]),
        ({"invoiceNumber": "00000002"}, []),
        ({"statuses": ["REQUESTED"], "invoiceTypes": ["VAT_GENERAL"]}, ["general"]),
    ],
)
async def test_filters(client, world, books, condition, expected):
    page = await invoices(client, world.tokens["FINANCE"], filter=condition)

    assert ids(page) == [iid(getattr(books, name)) for name in expected]
    assert page["totalCount"] == len(expected)


async def test_requested_window_is_half_open(client, world, books):
    # given the moment the `general` invoice was requested (the fixture's clock, minus 2 min)
    general_at = clock.now() - timedelta(minutes=2)

    # when the window starts at it and ends at the `special` one's moment
    page = await invoices(
        client,
        world.tokens["ADMIN"],
        filter={
            "requestedFrom": iso(general_at),
            "requestedTo": iso(general_at + timedelta(minutes=1)),
        },
    )

    # then only the `general` invoice (from is inclusive, to exclusive)
    assert ids(page) == [iid(books.general)]


@pytest.mark.parametrize(
    "order_by, expected",
    [
        ({"field": "AMOUNT", "direction": "ASC"}, ["rejected", "general", "issued", "special"]),
        ({"field": "AMOUNT", "direction": "DESC"}, ["special", "issued", "general", "rejected"]),
        (
            {"field": "UPDATED_AT", "direction": "DESC"},
            ["issued", "special", "general", "rejected"],
        ),
        (
            {"field": "REQUESTED_AT", "direction": "ASC"},
            ["issued", "rejected", "general", "special"],
        ),
    ],
)
async def test_orderings(client, world, books, order_by, expected):
    page = await invoices(client, world.tokens["FINANCE"], orderBy=order_by)

    assert ids(page) == [iid(getattr(books, name)) for name in expected]


@pytest.mark.parametrize("field", ["REQUESTED_AT", "AMOUNT", "UPDATED_AT"])
async def test_keyset_pages_cover_the_list_once(client, world, books, field):
    # given the whole list in one ordering
    order_by = {"field": field, "direction": "ASC"}
    whole = ids(await invoices(client, world.tokens["FINANCE"], IDS, orderBy=order_by))

    # when it is read three at a time, then one at a time
    for size in (3, 1):
        seen, after = [], None
        while True:
            page = await invoices(
                client, world.tokens["FINANCE"], IDS, orderBy=order_by, first=size, after=after
            )
            seen += ids(page)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]

        # then each invoice once, in the same order
        assert seen == whole


async def test_a_bad_cycle_filter_is_a_bad_request(client, world, books):
    body = await gql(
        client, INVOICES, {"filter": {"cycle": "2026-13"}}, token=world.tokens["ADMIN"]
    )

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("role", ["SALES", "CUSTOMER"])
async def test_sales_and_customers_may_not_read_invoices(client, world, books, role):
    body = await gql(client, INVOICES, {}, token=world.tokens[role])

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    node = await gql(client, NODE, {"id": iid(books.general)}, token=world.tokens[role])
    assert node["data"]["node"] is None


async def test_another_partner_sees_none_of_them(client, session, world, books):
    # given the other partner's ADMIN, and one invoice of its own
    who = await spender(session, world.other, world.other_admin)
    await consume(session, who, "7.00", date(2026, 5, 1))
    profile = await make_profile(session, world.other_admin)
    own = await request(session, world.other_admin, profile.id, amount="7.00")

    # when it lists invoices, filters by the first partner, and asks for one by id
    page = await invoices(client, world.other_token)
    filtered = await invoices(
        client, world.other_token, filter={"partnerId": _partner_gid(world.partner.id)}
    )
    node = await gql(client, NODE, {"id": iid(books.general)}, token=world.other_token)

    # then it sees its own only
    assert ids(page) == [iid(own)]
    assert filtered["nodes"] == []
    assert node["data"]["node"] is None


async def test_the_platform_sees_every_partner_and_filters_by_partner(
    client, session, world, books
):
    # given an invoice of the other partner
    who = await spender(session, world.other, world.other_admin)
    await consume(session, who, "7.00", date(2026, 5, 1))
    profile = await make_profile(session, world.other_admin)
    own = await request(session, world.other_admin, profile.id, amount="7.00")

    # when the platform lists them all, then one partner's
    everything = await invoices(client, world.tokens["PLATFORM"], first=100)
    first_partner = await invoices(
        client, world.tokens["PLATFORM"], filter={"partnerId": _partner_gid(world.partner.id)}
    )

    # then
    assert {iid(own), *books.newest_first} <= set(ids(everything))
    assert ids(first_partner) == books.newest_first
    assert {n["partner"]["id"] for n in first_partner["nodes"]} == {_partner_gid(world.partner.id)}


async def test_node_reads_an_invoice(client, world, books):
    body = await gql(client, NODE, {"id": iid(books.special)}, token=world.tokens["FINANCE"])

    assert body["data"]["node"] == {
        "id": iid(books.special),
        "status": "REQUESTED",
        "amount": {"amount": "45.00"},
    }


async def test_nested_reads_are_batched(client, session, world, books, frozen_clock, statements):
    # given four more invoices, each with lines of two cycles
    admin = world.users[Role.ADMIN]
    who = await spender(session, world.partner, admin)
    for month in (1, 2):
        await consume(session, who, "40.00", date(2026, month, 10))
    profile = await make_profile(session, await make_user(session, world.partner, Role.ADMIN))
    for _ in range(4):
        frozen_clock.advance(timedelta(minutes=1))
        await request(session, admin, profile.id, cycles=["2026-01", "2026-02"])
        await _cancel_newest(session, world)
    token = world.tokens["FINANCE"]
    await gql(client, INVOICES, {"first": 1}, token=token)  # warm up

    # when a page of 2 and a page of 8 are read with their lines, profiles and partners
    counts = []
    for first in (2, 8):
        statements.reset()
        statements.active = True
        page = await invoices(client, token, first=first)
        statements.active = False
        counts.append(statements.count)
        assert len(page["nodes"]) == first

    # then the same number of statements
    assert counts[0] == counts[1]


async def _cancel_newest(session, world: World) -> None:
    """Cancel the newest REQUESTED invoice, so the next request can take the same money."""
    newest = await session.scalar(
        select(Invoice.id)
        .where(Invoice.partner_id == world.partner.id, Invoice.status == InvoiceStatus.REQUESTED)
        .order_by(Invoice.id.desc())
        .limit(1)
    )
    await transitions.cancel_invoice_request(acting_as(session, world.users[Role.ADMIN]), newest)


def _partner_gid(partner_id: int) -> str:
    return global_id("Partner", partner_id)
