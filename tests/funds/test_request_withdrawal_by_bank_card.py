"""`requestWithdrawal` by bank card: the certified holder, card numbers, money outside windows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import Withdrawal
from tests.conftest import NOW
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    ADJUST,
    ALIPAY,
    BANK,
    HOLDER,
    REQUEST,
    account,
    card,
    errors_of,
    remaining,
    request_input,
)


@pytest.mark.parametrize(
    "holder",
    [
        HOLDER,
        "acme cloud co., ltd.",
        "ACME CLOUD CO., LTD.",
        "  Acme  Cloud Co.,Ltd.  ",
        "ＡＣＭＥ　Ｃｌｏｕｄ　Ｃｏ．，　Ｌｔｄ．",  # noqa: RUF001 -- full width on purpose
    ],
)
async def test_bank_card_in_the_certified_name(client, session, world, holder):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    # when
    body = await gql(client, REQUEST, request_input(bankCard=card(holder)), token=token)

    # then
    payload = body["data"]["requestWithdrawal"]
    assert payload["userErrors"] == []
    assert payload["withdrawal"]["route"] == "BANK_CARD"
    assert payload["withdrawal"]["bankCard"] == {
        "holder": holder.strip(),
        "bankName": "ICBC Hangzhou",
        "cardNumber": "************7890",
    }
    assert payload["withdrawal"]["recharge"] is None
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("900.00", "100.00")
    await assert_books_balance(session)


@pytest.mark.parametrize(
    "holder",
    [
        "Acme Cloud Ltd.",
        "Acme Cloud Co., Ltd",
        "Acme Cloud Co., Ltd. Shanghai Branch",
        "Partner Acme Cloud Co., Ltd.",
    ],
)
async def test_bank_card_of_someone_else(client, session, world, holder):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    # when
    body = await gql(client, REQUEST, request_input(bankCard=card(holder)), token=token)

    # then
    assert errors_of(body, "requestWithdrawal") == [
        ("ACCOUNT_HOLDER_MISMATCH", ["input", "bankCard", "holder"])
    ]
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("1000.00", "0.00")


async def test_bank_card_holder_follows_the_partner(client, session, world):
    # given: another partner's certified name is not ours
    partner, token, _ = world
    other = await make_partner(session, certified_company_name="Other Cloud Co., Ltd.")
    await recharge(session, partner, "1000.00", channel=BANK)

    body = await gql(
        client,
        REQUEST,
        request_input(bankCard=card(other.certified_company_name)),
        token=token,
    )

    assert errors_of(body, "requestWithdrawal") == [
        ("ACCOUNT_HOLDER_MISMATCH", ["input", "bankCard", "holder"])
    ]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("123456789012", "********9012"),
        ("1" * 30, "*" * 26 + "1111"),
        ("6222 0212 3456 7890 123", "***************0123"),
    ],
)
async def test_valid_card_numbers(client, session, world, number, masked):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    body = await gql(client, REQUEST, request_input(bankCard=card(number=number)), token=token)

    assert body["data"]["requestWithdrawal"]["userErrors"] == []
    assert body["data"]["requestWithdrawal"]["withdrawal"]["bankCard"]["cardNumber"] == masked


@pytest.mark.parametrize(
    ("bank_card", "field"),
    [
        (card(number="12345678901"), ["input", "bankCard", "cardNumber"]),
        (card(number="1" * 31), ["input", "bankCard", "cardNumber"]),
        (card(number="12345678901a"), ["input", "bankCard", "cardNumber"]),
        (card(number="1234-5678-9012"), ["input", "bankCard", "cardNumber"]),
        (card(number=""), ["input", "bankCard", "cardNumber"]),
        (card(holder="  "), ["input", "bankCard", "holder"]),
        (card(bank=""), ["input", "bankCard", "bankName"]),
        (None, ["input", "bankCard"]),
    ],
)
async def test_bad_bank_cards(client, session, world, bank_card, field):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    # when
    body = await gql(client, REQUEST, request_input(bankCard=bank_card), token=token)

    # then
    assert errors_of(body, "requestWithdrawal") == [("INVALID_INPUT", field)]
    assert await session.scalar(select(func.count()).select_from(Withdrawal)) == 0


async def test_bank_card_for_money_inside_a_window(client, session, world):
    # given: an OTHER partner's Alipay money is original-route-only for 11 months
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=ALIPAY)

    # when
    body = await gql(client, REQUEST, request_input(amount="0.01"), token=token)

    # then
    assert errors_of(body, "requestWithdrawal") == [("ROUTE_REQUIRED", ["input", "route"])]
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("1000.00", "0.00")
    assert (money["originalRouteOnly"], money["bankCard"]) == ("1000.00", "0.00")


async def test_bank_card_takes_only_money_outside_the_windows(client, session, world):
    # given: 300 free (bank transfer), 700 locked (Alipay)
    partner, token, _ = world
    free = await recharge(session, partner, "300.00", channel=BANK)
    locked = await recharge(session, partner, "700.00", channel=ALIPAY)

    # when
    too_much = await gql(client, REQUEST, request_input(amount="300.01"), token=token)
    exactly = await gql(client, REQUEST, request_input(amount="300.00"), token=token)

    # then
    assert errors_of(too_much, "requestWithdrawal") == [("ROUTE_REQUIRED", ["input", "route"])]
    assert exactly["data"]["requestWithdrawal"]["userErrors"] == []
    assert await remaining(client, token, free) == "0.00"
    assert await remaining(client, token, locked) == "700.00"
    money = await account(client, token)
    assert (money["total"], money["originalRouteOnly"], money["bankCard"]) == (
        "700.00",
        "700.00",
        "0.00",
    )
    await assert_books_balance(session)


async def test_bank_card_more_than_allocatable(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    body = await gql(client, REQUEST, request_input(amount="1000.01"), token=token)

    assert errors_of(body, "requestWithdrawal") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    assert (await account(client, token))["held"] == "0.00"


async def test_bank_card_with_nothing_at_all(client, session, world):
    _partner, token, _ = world

    body = await gql(client, REQUEST, request_input(amount="0.01"), token=token)

    assert errors_of(body, "requestWithdrawal") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]


async def test_money_retrieved_from_a_customer_stays_in_its_window(client, session, world):
    # given: an old bank transfer (free) and a newer Alipay recharge (locked), both spent
    # on a customer, then partly retrieved: the money returned refills the latest spending
    partner, token, _ = world
    free = await recharge(session, partner, "500.00", channel=BANK, paid_at=NOW - timedelta(2))
    locked = await recharge(session, partner, "500.00", channel=ALIPAY, paid_at=NOW - timedelta(1))
    customer = await make_customer(session, partner)
    for kind, amount in (("ALLOCATE", "800.00"), ("RETRIEVE", "300.00")):
        body = await gql(
            client,
            ADJUST,
            {
                "input": {
                    "customerId": global_id("Customer", customer.id),
                    "kind": kind,
                    "amount": amount,
                    "idempotencyKey": kind,
                }
            },
            token=token,
        )
        assert body["data"]["adjustCustomerFunds"]["userErrors"] == []

    # when
    body = await gql(client, REQUEST, request_input(amount="0.01"), token=token)

    # then
    assert errors_of(body, "requestWithdrawal") == [("ROUTE_REQUIRED", ["input", "route"])]
    assert await remaining(client, token, free) == "0.00"
    assert await remaining(client, token, locked) == "500.00"
    money = await account(client, token)
    assert (money["allocatable"], money["originalRouteOnly"], money["bankCard"]) == (
        "500.00",
        "500.00",
        "0.00",
    )
    await assert_books_balance(session)
