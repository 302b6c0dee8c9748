"""The `statement` query: lines of the partner's accounts with running balances, newest first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.globalid import from_global_id
from app.models import LedgerTransaction
from app.models.funds.enums import RechargeChannel
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import (
    customer_token,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds import statement_helpers
from tests.funds.helpers import assert_books_balance, pay_incentive, recharge
from tests.funds.statement_helpers import STATEMENT, Moves, lines, statement
from tests.rows import reread

world = statement_helpers.world  # a fixture shared with the other statement tests


ACCOUNT = """
query { viewer { partner { account { allocatable { amount } } } } }
"""


BANK = RechargeChannel.BANK_TRANSFER


async def allocatable(client, token) -> str:
    body = await gql(client, ACCOUNT, token=token)
    return body["data"]["viewer"]["partner"]["account"]["allocatable"]["amount"]


async def test_running_balances_follow_the_movements(client, session, world, frozen_clock):
    # given: a minute between movements
    partner, customer, token, platform = world
    moves = Moves(client, token, platform)
    paid = await recharge(session, partner, "1000.00", channel=BANK)
    frozen_clock.advance(timedelta(minutes=1))
    await moves.adjust(customer, "ALLOCATE", "300.00")
    frozen_clock.advance(timedelta(minutes=1))
    await moves.adjust(customer, "RETRIEVE", "50.00")
    frozen_clock.advance(timedelta(minutes=1))
    rejected = await moves.withdraw("200.00")
    frozen_clock.advance(timedelta(minutes=1))
    await moves.reject(rejected)
    frozen_clock.advance(timedelta(minutes=1))
    paid_out = await moves.withdraw("100.00")
    frozen_clock.advance(timedelta(minutes=1))
    await moves.pay_out(paid_out)  # moves held money only
    frozen_clock.advance(timedelta(minutes=1))
    last = await recharge(session, partner, "0.01", channel=RechargeChannel.ALIPAY)

    # when
    page = await statement(client, token)

    # then
    assert [(e["node"]["occurredAt"], e["node"]["reference"]) for e in page["edges"]] == [
        ("2026-06-15T04:07:00Z", f"Recharge:{last.id}"),
        ("2026-06-15T04:05:00Z", f"Withdrawal:{_row_id(paid_out)}"),
        ("2026-06-15T04:04:00Z", f"Withdrawal:{_row_id(rejected)}"),
        ("2026-06-15T04:03:00Z", f"Withdrawal:{_row_id(rejected)}"),
        ("2026-06-15T04:02:00Z", f"Customer:{customer.id}"),
        ("2026-06-15T04:01:00Z", f"Customer:{customer.id}"),
        ("2026-06-15T04:00:00Z", f"Recharge:{paid.id}"),
    ]
    assert lines(page) == [
        ("RECHARGE", "0.01", "650.01"),
        ("WITHDRAWAL_SUBMITTED", "-100.00", "650.00"),
        ("WITHDRAWAL_REJECTED", "200.00", "750.00"),
        ("WITHDRAWAL_SUBMITTED", "-200.00", "550.00"),
        ("RETRIEVE", "50.00", "750.00"),
        ("ALLOCATE", "-300.00", "700.00"),
        ("RECHARGE", "1000.00", "1000.00"),
    ]
    assert page["totalCount"] == 7
    assert page["edges"][0]["node"]["amount"]["currency"] == "CNY"
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert await allocatable(client, token) == "650.01"
    await assert_books_balance(session)


def _row_id(global_withdrawal_id: str) -> int:
    return from_global_id(global_withdrawal_id)[1]


async def test_lines_booked_at_one_instant_keep_their_order(client, session, world):
    # given: the clock stands still
    partner, customer, token, platform = world
    moves = Moves(client, token, platform)
    await recharge(session, partner, "100.00")
    await moves.adjust(customer, "ALLOCATE", "30.00")
    await moves.adjust(customer, "ALLOCATE", "20.00")
    await recharge(session, partner, "5.00")
    await moves.adjust(customer, "RETRIEVE", "0.50")

    # when
    page = await statement(client, token)

    # then
    assert lines(page) == [
        ("RETRIEVE", "0.50", "55.50"),
        ("RECHARGE", "5.00", "55.00"),
        ("ALLOCATE", "-20.00", "50.00"),
        ("ALLOCATE", "-30.00", "70.00"),
        ("RECHARGE", "100.00", "100.00"),
    ]
    await assert_books_balance(session)


async def test_transaction_ids_carry_the_business_date(client, session, world, frozen_clock):
    # given: 01:30 in Shanghai on June 16 is still June 15 in UTC
    partner, _, token, _ = world
    frozen_clock.set(NOW.replace(hour=17, minute=30))
    paid = await recharge(session, partner, "1.00")

    # when
    page = await statement(client, token)

    # then
    node = page["edges"][0]["node"]
    assert node["occurredAt"] == "2026-06-15T17:30:00Z"
    stored = await reread(session, LedgerTransaction, paid.transaction_id)
    assert node["transactionId"] == stored.number
    assert re.fullmatch(r"TX20260616-[0-9A-HJKMNP-TV-Z]{12}", node["transactionId"])


async def test_filter_by_kinds(client, session, world, frozen_clock):
    # given
    partner, customer, token, platform = world
    moves = Moves(client, token, platform)
    await recharge(session, partner, "1000.00", channel=BANK)
    frozen_clock.advance(timedelta(minutes=1))
    await moves.adjust(customer, "ALLOCATE", "100.00")
    frozen_clock.advance(timedelta(minutes=1))
    withdrawal = await moves.withdraw("300.00")
    frozen_clock.advance(timedelta(minutes=1))
    await moves.reject(withdrawal)
    frozen_clock.advance(timedelta(minutes=1))
    await moves.adjust(customer, "ALLOCATE", "50.00")

    # when
    allocations = await statement(client, token, filter={"kinds": ["ALLOCATE"]})
    in_and_back = await statement(
        client, token, filter={"kinds": ["RECHARGE", "WITHDRAWAL_REJECTED"]}
    )
    none = await statement(client, token, filter={"kinds": ["PARTNER_REFUND"]})

    # then: the balance after each line is still the account's, not a sum of the filtered lines
    assert lines(allocations) == [
        ("ALLOCATE", "-50.00", "850.00"),
        ("ALLOCATE", "-100.00", "900.00"),
    ]
    assert allocations["totalCount"] == 2
    assert lines(in_and_back) == [
        ("WITHDRAWAL_REJECTED", "300.00", "900.00"),
        ("RECHARGE", "1000.00", "1000.00"),
    ]
    assert none["edges"] == [] and none["totalCount"] == 0


async def test_filter_by_time(client, session, world, frozen_clock):
    # given: one recharge an hour, 1.00 to 4.00
    partner, _, token, _ = world
    for n in range(4):
        frozen_clock.set(NOW + timedelta(hours=n))
        await recharge(session, partner, f"{n + 1}.00")

    def between(start=None, end=None):
        value = {}
        if start is not None:
            value["from"] = (NOW + start).isoformat()
        if end is not None:
            value["to"] = (NOW + end).isoformat()
        return {"occurredBetween": value}

    # when
    middle = await statement(client, token, filter=between(timedelta(hours=1), timedelta(hours=3)))
    just_inside = await statement(
        client,
        token,
        filter=between(timedelta(hours=1) - timedelta(seconds=1), timedelta(hours=1, seconds=1)),
    )
    since = await statement(client, token, filter=between(start=timedelta(hours=2)))
    until = await statement(client, token, filter=between(end=timedelta(hours=2)))
    empty = await statement(client, token, filter=between(timedelta(hours=1), timedelta(hours=1)))

    # then: from is inclusive, to exclusive
    assert lines(middle) == [("RECHARGE", "3.00", "6.00"), ("RECHARGE", "2.00", "3.00")]
    assert lines(just_inside) == [("RECHARGE", "2.00", "3.00")]
    assert lines(since) == [("RECHARGE", "4.00", "10.00"), ("RECHARGE", "3.00", "6.00")]
    assert lines(until) == [("RECHARGE", "2.00", "3.00"), ("RECHARGE", "1.00", "1.00")]
    assert empty["edges"] == []


async def test_time_range_in_another_offset(client, session, world, frozen_clock):
    # given
    partner, _, token, _ = world
    await recharge(session, partner, "1.00")  # 2026-06-15T04:00Z = 12:00 in Shanghai
    frozen_clock.advance(timedelta(hours=1))
    await recharge(session, partner, "2.00")

    # when
    page = await statement(
        client,
        token,
        filter={
            "occurredBetween": {
                "from": "2026-06-15T12:00:00+08:00",
                "to": "2026-06-15T13:00:00+08:00",
            }
        },
    )

    # then
    assert lines(page) == [("RECHARGE", "1.00", "1.00")]


async def test_kinds_and_time_together(client, session, world, frozen_clock):
    partner, customer, token, platform = world
    moves = Moves(client, token, platform)
    await recharge(session, partner, "100.00")
    frozen_clock.advance(timedelta(hours=1))
    await moves.adjust(customer, "ALLOCATE", "10.00")
    await recharge(session, partner, "5.00")
    frozen_clock.advance(timedelta(hours=1))
    await moves.adjust(customer, "ALLOCATE", "20.00")

    page = await statement(
        client,
        token,
        filter={
            "kinds": ["ALLOCATE"],
            "occurredBetween": {
                "from": (NOW + timedelta(hours=1)).isoformat(),
                "to": (NOW + timedelta(hours=2)).isoformat(),
            },
        },
    )

    assert lines(page) == [("ALLOCATE", "-10.00", "90.00")]


async def test_held_account_statement(client, session, world, frozen_clock):
    # given
    partner, _, token, platform = world
    moves = Moves(client, token, platform)
    await recharge(session, partner, "1000.00", channel=BANK)
    frozen_clock.advance(timedelta(minutes=1))
    rejected = await moves.withdraw("300.00")
    frozen_clock.advance(timedelta(minutes=1))
    paid = await moves.withdraw("200.00")
    frozen_clock.advance(timedelta(minutes=1))
    await moves.reject(rejected)
    frozen_clock.advance(timedelta(minutes=1))
    await moves.pay_out(paid)

    # when
    page = await statement(client, token, filter={"account": "HELD"})

    # then
    assert lines(page) == [
        ("WITHDRAWAL_PAID", "-200.00", "0.00"),
        ("WITHDRAWAL_REJECTED", "-300.00", "200.00"),
        ("WITHDRAWAL_SUBMITTED", "200.00", "500.00"),
        ("WITHDRAWAL_SUBMITTED", "300.00", "300.00"),
    ]
    assert [e["node"]["reference"] for e in page["edges"]] == [
        f"Withdrawal:{_row_id(paid)}",
        f"Withdrawal:{_row_id(rejected)}",
        f"Withdrawal:{_row_id(paid)}",
        f"Withdrawal:{_row_id(rejected)}",
    ]
    allocatable_page = await statement(client, token, filter={"account": "ALLOCATABLE"})
    assert [kind for kind, _, _ in lines(allocatable_page)] == [
        "WITHDRAWAL_REJECTED",
        "WITHDRAWAL_SUBMITTED",
        "WITHDRAWAL_SUBMITTED",
        "RECHARGE",
    ]
    await assert_books_balance(session)


async def test_incentive_account_statement(client, session, world, frozen_clock):
    # given
    partner, _, token, platform = world
    moves = Moves(client, token, platform)
    await recharge(session, partner, "10.00")
    frozen_clock.advance(timedelta(minutes=1))
    await pay_incentive(session, partner, "500.00")
    frozen_clock.advance(timedelta(minutes=1))
    withdrawal = await moves.withdraw("300.00", route="INCENTIVE_REBATE")
    frozen_clock.advance(timedelta(minutes=1))
    await moves.pay_out(withdrawal)

    # when
    incentive = await statement(client, token, filter={"account": "INCENTIVE"})
    held = await statement(client, token, filter={"account": "HELD"})
    cash = await statement(client, token)

    # then
    assert lines(incentive) == [
        ("INCENTIVE_WITHDRAWAL_PAID", "-300.00", "200.00"),
        ("INCENTIVE_PAID", "500.00", "500.00"),
    ]
    assert held["edges"] == []
    assert lines(cash) == [("RECHARGE", "10.00", "10.00")]
    await assert_books_balance(session)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.VIEWER])
async def test_roles_that_read_funds(client, session, world, role):
    partner, _, _, _ = world
    await recharge(session, partner, "10.00")
    user = await make_user(session, partner, role)

    page = await statement(client, await token_for(session, user))

    assert lines(page) == [("RECHARGE", "10.00", "10.00")]


async def test_sales_cannot_read_the_statement(client, session, world):
    partner, _, _, _ = world
    await recharge(session, partner, "10.00")
    sales = await make_user(session, partner, Role.SALES)

    body = await gql(client, STATEMENT, token=await token_for(session, sales))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None


async def test_customer_cannot_read_the_partners_statement(client, session, world):
    partner, customer, _, _ = world
    await recharge(session, partner, "10.00")

    body = await gql(client, STATEMENT, token=await customer_token(session, customer))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_partners_lines_never_appear(client, session, world, frozen_clock):
    # given: two partners moving money at the same instants
    partner, customer, token, platform = world
    other = await make_partner(session, certified_company_name="Other Co.")
    other_customer = await make_customer(session, other)
    other_token = await token_for(session, await make_user(session, other, Role.FINANCE))
    theirs = Moves(client, other_token, platform)
    mine = Moves(client, token, platform)
    await recharge(session, other, "5000.00")
    await recharge(session, partner, "100.00")
    await theirs.adjust(other_customer, "ALLOCATE", "1000.00")
    await mine.adjust(customer, "ALLOCATE", "10.00")
    await pay_incentive(session, other, "77.00")

    # when
    my_page = await statement(client, token)
    my_incentive = await statement(client, token, filter={"account": "INCENTIVE"})
    their_page = await statement(client, other_token)

    # then
    assert lines(my_page) == [("ALLOCATE", "-10.00", "90.00"), ("RECHARGE", "100.00", "100.00")]
    assert my_page["totalCount"] == 2
    assert my_incentive["edges"] == []
    assert lines(their_page) == [
        ("ALLOCATE", "-1000.00", "4000.00"),
        ("RECHARGE", "5000.00", "5000.00"),
    ]
    # the other partner's cursors page nothing of ours
    their_cursor = their_page["edges"][0]["cursor"]
    from_their_cursor = await statement(client, token, first=10, after=their_cursor)
    assert {e["node"]["transactionId"] for e in from_their_cursor["edges"]} <= {
        e["node"]["transactionId"] for e in my_page["edges"]
    }
    await assert_books_balance(session)
