"""Charges draw on cash, then credit, then arrears; allocations repay in that order."""

from __future__ import annotations

from datetime import timedelta

from app.models import CustomerAccount
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
)
from tests.funds import credit_helpers
from tests.funds.credit_helpers import (
    ADJUST,
    SET_LIMIT,
    allocate,
    charge,
    errors_of,
    expect,
    figures,
    limit_input,
    position,
    set_limit,
)
from tests.funds.helpers import assert_books_balance
from tests.rows import reread

world = credit_helpers.world  # a fixture shared with the other credit tests


CUSTOMERS = """
query Customers($filter: CustomerFilter) {
  customers(filter: $filter, first: 100) { totalCount nodes { id } }
}
"""


async def test_charge_takes_cash_first(client, session, world):
    # given
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    # when
    await charge(session, customer, "60.00")

    # then
    assert await position(client, token, customer) == expect(
        "40.00", "300.00", "340.00", "0.00", "0.00"
    )
    await assert_books_balance(session)


async def test_charge_then_uses_credit(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    await charge(session, customer, "150.00")

    assert await position(client, token, customer) == expect(
        "-50.00", "300.00", "250.00", "50.00", "0.00"
    )
    await assert_books_balance(session)


async def test_charge_beyond_the_credit_is_arrears(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    await charge(session, customer, "450.01")

    assert await position(client, token, customer) == expect(
        "-350.01", "300.00", "-50.01", "300.00", "50.01"
    )
    await assert_books_balance(session)


async def test_using_exactly_the_whole_credit_is_not_arrears(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    await charge(session, customer, "400.00")

    assert await position(client, token, customer) == expect(
        "-300.00", "300.00", "0.00", "300.00", "0.00"
    )
    owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    assert owing["data"]["customers"]["nodes"] == []


async def test_without_credit_a_charge_beyond_cash_is_arrears(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "10.00")

    await charge(session, customer, "10.01")

    assert await position(client, token, customer) == expect(
        "-0.01", "0.00", "-0.01", "0.00", "0.01"
    )
    await assert_books_balance(session)


async def test_several_charges_add_up(client, session, world):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")

    for amount in ("33.33", "33.33", "33.34", "0.01"):
        await charge(session, customer, amount)

    assert await position(client, token, customer) == expect(
        "-100.01", "100.00", "-0.01", "100.00", "0.01"
    )
    await assert_books_balance(session)


async def test_allocation_repays_arrears_then_credit_then_shows_as_cash(client, session, world):
    # given: 300 credit used and 50 in arrears
    _partner, customer, token = world
    await set_limit(client, token, customer, "300.00")
    await charge(session, customer, "350.00")

    # when / then: arrears first
    await allocate(client, token, customer, "30.00")
    assert await position(client, token, customer) == expect(
        "-320.00", "300.00", "-20.00", "300.00", "20.00"
    )
    await allocate(client, token, customer, "20.00")
    assert await position(client, token, customer) == expect(
        "-300.00", "300.00", "0.00", "300.00", "0.00"
    )
    # then the credit
    await allocate(client, token, customer, "100.00")
    assert await position(client, token, customer) == expect(
        "-200.00", "300.00", "100.00", "200.00", "0.00"
    )
    # and only then cash
    await allocate(client, token, customer, "250.00")
    assert await position(client, token, customer) == expect(
        "50.00", "300.00", "350.00", "0.00", "0.00"
    )
    await assert_books_balance(session)


async def test_allocation_payload_shows_the_repayment(client, session, world):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "150.00")

    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": "70.00",
                "idempotencyKey": "repay",
            }
        },
        token=token,
    )

    account = body["data"]["adjustCustomerFunds"]["customer"]["account"]
    assert figures(account) == {"balance": "-80.00", "creditUsed": "80.00", "arrears": "0.00"}


async def test_nothing_can_be_retrieved_from_a_customer_in_debt(client, session, world):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "50.00")

    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "RETRIEVE",
                "amount": "0.01",
                "idempotencyKey": "take",
            }
        },
        token=token,
    )

    assert errors_of(body, "adjustCustomerFunds") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    assert (await position(client, token, customer))["balance"] == "-50.00"


async def test_lowering_the_limit_turns_used_credit_into_arrears(client, session, world):
    # given
    _partner, customer, token = world
    await set_limit(client, token, customer, "300.00")
    await charge(session, customer, "200.00")

    # when
    body = await gql(client, SET_LIMIT, limit_input(customer, "50.00"), token=token)

    # then
    account = body["data"]["setCustomerCreditLimit"]["customer"]["account"]
    assert figures(account) == expect("-200.00", "50.00", "-150.00", "50.00", "150.00")
    owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    assert [n["id"] for n in owing["data"]["customers"]["nodes"]] == [
        global_id("Customer", customer.id)
    ]


async def test_raising_the_limit_covers_arrears(client, session, world):
    _partner, customer, token = world
    await charge(session, customer, "80.00")

    body = await gql(client, SET_LIMIT, limit_input(customer, "80.00"), token=token)

    account = body["data"]["setCustomerCreditLimit"]["customer"]["account"]
    assert figures(account) == expect("-80.00", "80.00", "0.00", "80.00", "0.00")


async def test_customers_with_arrears_filter(client, session, world):
    # given
    partner, in_arrears, token = world
    await set_limit(client, token, in_arrears, "100.00")
    await charge(session, in_arrears, "100.01")
    on_credit = await make_customer(session, partner)
    await set_limit(client, token, on_credit, "100.00")
    await charge(session, on_credit, "99.99")
    at_limit = await make_customer(session, partner)
    await set_limit(client, token, at_limit, "100.00")
    await charge(session, at_limit, "100.00")
    in_cash = await make_customer(session, partner)
    await allocate(client, token, in_cash, "10.00")
    untouched = await make_customer(session, partner)  # no account row at all
    other = await make_partner(session)
    foreign = await make_customer(session, other)
    await charge(session, foreign, "5.00")

    # when
    owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    not_owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": False}}, token=token)

    # then
    assert [n["id"] for n in owing["data"]["customers"]["nodes"]] == [
        global_id("Customer", in_arrears.id)
    ]
    assert owing["data"]["customers"]["totalCount"] == 1
    assert {n["id"] for n in not_owing["data"]["customers"]["nodes"]} == {
        global_id("Customer", c.id) for c in (on_credit, at_limit, in_cash, untouched)
    }
    await assert_books_balance(session)


async def test_repaid_customer_leaves_the_arrears_filter(client, session, world):
    _partner, customer, token = world
    await charge(session, customer, "25.00")
    before = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)

    await allocate(client, token, customer, "25.00")

    after = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    assert before["data"]["customers"]["totalCount"] == 1
    assert after["data"]["customers"]["totalCount"] == 0


async def test_arrears_since_follows_the_balance(client, session, world, frozen_clock):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "100.00")
    started = frozen_clock.now() + timedelta(hours=1)
    frozen_clock.set(started)
    await charge(session, customer, "1.00")
    frozen_clock.advance(timedelta(days=1))
    await charge(session, customer, "1.00")

    stored = await reread(session, CustomerAccount, customer.id)
    assert stored.arrears_since == started

    await allocate(client, token, customer, "2.00")
    stored = await reread(session, CustomerAccount, customer.id)
    assert stored.arrears_since is None
