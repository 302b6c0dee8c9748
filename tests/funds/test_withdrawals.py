"""Withdrawals: routes, original-route windows, held money, the platform's review, deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, select

from app.models import LedgerTransaction, Withdrawal
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerKind, RechargeChannel
from app.models.partners.enums import ContractingEntity, Role
from tests.conftest import NOW
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.helpers import assert_books_balance, pay_incentive, recharge

REQUEST = """
mutation Request($input: RequestWithdrawalInput!) {
  requestWithdrawal(input: $input) {
    withdrawal {
      id route status amount { amount currency } rejectReason createdAt reviewedAt paidAt
      bankCard { holder bankName cardNumber }
      recharge { id remaining { amount } }
    }
    userErrors { code field message }
  }
}
"""
APPROVE = """
mutation Approve($input: ApproveWithdrawalInput!) {
  approveWithdrawal(input: $input) {
    withdrawal { id status reviewedAt paidAt }
    userErrors { code field message }
  }
}
"""
REJECT = """
mutation Reject($input: RejectWithdrawalInput!) {
  rejectWithdrawal(input: $input) {
    withdrawal { id status rejectReason reviewedAt }
    userErrors { code field message }
  }
}
"""
MARK_PAID = """
mutation Paid($input: MarkWithdrawalPaidInput!) {
  markWithdrawalPaid(input: $input) {
    withdrawal { id status paidAt }
    userErrors { code field message }
  }
}
"""
DELETE = """
mutation Delete($input: DeleteWithdrawalInput!) {
  deleteWithdrawal(input: $input) {
    deletedWithdrawalId
    userErrors { code field message }
  }
}
"""
WITHDRAWALS = """
query { withdrawals(first: 100) { totalCount nodes { id status route amount { amount } } } }
"""
ACCOUNT = """
query {
  viewer { partner { account {
    balance { amount } allocatable { amount } held { amount } incentive { amount }
    withdrawable {
      total { amount } originalRouteOnly { amount } bankCard { amount } incentive { amount }
    }
  } } }
}
"""
RECHARGE = """
query Recharge($id: ID!) {
  node(id: $id) {
    ... on Recharge { remaining { amount } originalRouteUntil mustUseOriginalRoute }
  }
}
"""
WITHDRAWAL = """
query Withdrawal($id: ID!) { node(id: $id) { id ... on Withdrawal { status } } }
"""
ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) { userErrors { code field } }
}
"""

HOLDER = "Acme Cloud Co., Ltd."
HUAWEI = ContractingEntity.HUAWEI_CLOUD_COMPUTING
OTHER = ContractingEntity.OTHER
ALIPAY = RechargeChannel.ALIPAY
WECHAT = RechargeChannel.WECHAT
UNIONPAY = RechargeChannel.UNIONPAY
BANK = RechargeChannel.BANK_TRANSFER

_keys = count(1)


@pytest.fixture
async def world(session):
    """An OTHER-entity partner, its FINANCE token and a platform token."""
    partner = await make_partner(session, certified_company_name=HOLDER)
    finance = await make_user(session, partner, Role.FINANCE)
    return partner, await token_for(session, finance), await platform_token(session)


def card(holder=HOLDER, number="6222 0212 3456 7890", bank="ICBC Hangzhou"):
    return {"holder": holder, "bankName": bank, "cardNumber": number}


def request_input(route="BANK_CARD", amount="100.00", key=None, **extra):
    if route == "BANK_CARD" and "bankCard" not in extra:
        extra["bankCard"] = card()
    return {
        "input": {
            "route": route,
            "amount": amount,
            "idempotencyKey": key or f"w-{next(_keys)}",
            **extra,
        }
    }


def original_route(recharge_row, amount, key=None):
    return request_input(
        "ORIGINAL_ROUTE", amount, key, rechargeId=global_id("Recharge", recharge_row.id)
    )


def review_input(withdrawal_id, key=None, **extra):
    return {"input": {"withdrawalId": withdrawal_id, "idempotencyKey": key or "r-1", **extra}}


def errors_of(body, field):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


async def account(client, token) -> dict[str, str]:
    body = await gql(client, ACCOUNT, token=token)
    raw = body["data"]["viewer"]["partner"]["account"]
    w = raw["withdrawable"]
    return {
        "balance": raw["balance"]["amount"],
        "allocatable": raw["allocatable"]["amount"],
        "held": raw["held"]["amount"],
        "incentive": raw["incentive"]["amount"],
        "total": w["total"]["amount"],
        "originalRouteOnly": w["originalRouteOnly"]["amount"],
        "bankCard": w["bankCard"]["amount"],
        "incentiveWithdrawable": w["incentive"]["amount"],
    }


async def remaining(client, token, recharge_row) -> str:
    body = await gql(client, RECHARGE, {"id": global_id("Recharge", recharge_row.id)}, token=token)
    return body["data"]["node"]["remaining"]["amount"]


async def requested(client, token, variables) -> dict:
    body = await gql(client, REQUEST, variables, token=token)
    payload = body["data"]["requestWithdrawal"]
    assert payload["userErrors"] == []
    return payload["withdrawal"]


async def review(client, platform, document, withdrawal_id, key, **extra) -> dict:
    body = await gql(client, document, review_input(withdrawal_id, key, **extra), token=platform)
    return next(iter(body["data"].values()))


async def approve(client, platform, withdrawal_id) -> dict:
    body = await gql(client, APPROVE, {"input": {"withdrawalId": withdrawal_id}}, token=platform)
    return body["data"]["approveWithdrawal"]


async def in_state(client, token, platform, status, variables) -> dict:
    """A withdrawal taken through the review to `status`."""
    withdrawal = await requested(client, token, variables)
    wid = withdrawal["id"]
    if status in ("APPROVED", "PAID"):
        assert (await approve(client, platform, wid))["userErrors"] == []
    if status == "PAID":
        paid = await review(client, platform, MARK_PAID, wid, f"paid-{wid}")
        assert paid["userErrors"] == []
    if status == "REJECTED":
        rejected = await review(client, platform, REJECT, wid, f"rej-{wid}", reason="no")
        assert rejected["userErrors"] == []
    return withdrawal


# --- ORIGINAL_ROUTE -------------------------------------------------------------------------


async def test_original_route_returns_part_of_a_recharge(client, session, world):
    # given
    partner, token, _ = world
    paid = await recharge(session, partner, "1000.00", channel=ALIPAY)

    # when
    body = await gql(client, REQUEST, original_route(paid, "400.00"), token=token)

    # then
    payload = body["data"]["requestWithdrawal"]
    assert payload["userErrors"] == []
    withdrawal = payload["withdrawal"]
    assert withdrawal["route"] == "ORIGINAL_ROUTE"
    assert withdrawal["status"] == "SUBMITTED"
    assert withdrawal["amount"] == {"amount": "400.00", "currency": "CNY"}
    assert withdrawal["createdAt"] == "2026-06-15T04:00:00Z"
    assert withdrawal["reviewedAt"] is None and withdrawal["paidAt"] is None
    assert withdrawal["bankCard"] is None
    assert withdrawal["recharge"] == {
        "id": global_id("Recharge", paid.id),
        "remaining": {"amount": "600.00"},
    }
    money = await account(client, token)
    assert (money["allocatable"], money["held"], money["balance"]) == (
        "600.00",
        "400.00",
        "1000.00",
    )
    await assert_books_balance(session)


async def test_original_route_needs_a_recharge(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00")

    body = await gql(client, REQUEST, request_input("ORIGINAL_ROUTE"), token=token)

    assert errors_of(body, "requestWithdrawal") == [("INVALID_INPUT", ["input", "rechargeId"])]
    assert (await account(client, token))["held"] == "0.00"


async def test_original_route_up_to_what_is_left_of_the_recharge(client, session, world):
    # given
    partner, token, _ = world
    paid = await recharge(session, partner, "1000.00")

    # when
    too_much = await gql(client, REQUEST, original_route(paid, "1000.01"), token=token)
    everything = await gql(client, REQUEST, original_route(paid, "1000.00"), token=token)
    more = await gql(client, REQUEST, original_route(paid, "0.01"), token=token)

    # then
    assert errors_of(too_much, "requestWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert everything["data"]["requestWithdrawal"]["userErrors"] == []
    assert errors_of(more, "requestWithdrawal") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    assert await remaining(client, token, paid) == "0.00"
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("0.00", "1000.00")
    await assert_books_balance(session)


async def test_spending_draws_on_the_oldest_recharge_first(client, session, world):
    # given: two recharges, the older one drawn first by an allocation
    partner, token, _ = world
    older = await recharge(session, partner, "100.00", paid_at=NOW - timedelta(days=2))
    newer = await recharge(session, partner, "100.00", paid_at=NOW - timedelta(days=1))
    customer = await make_customer(session, partner)
    allocated = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": "150.00",
                "idempotencyKey": "alloc",
            }
        },
        token=token,
    )
    assert allocated["data"]["adjustCustomerFunds"]["userErrors"] == []

    # when
    from_older = await gql(client, REQUEST, original_route(older, "0.01"), token=token)
    too_much = await gql(client, REQUEST, original_route(newer, "50.01"), token=token)
    rest = await gql(client, REQUEST, original_route(newer, "50.00"), token=token)

    # then
    assert await remaining(client, token, older) == "0.00"
    assert errors_of(from_older, "requestWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert errors_of(too_much, "requestWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert rest["data"]["requestWithdrawal"]["userErrors"] == []
    assert await remaining(client, token, newer) == "0.00"
    await assert_books_balance(session)


async def test_original_route_of_a_recharge_that_is_not_the_partners(client, session, world):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00")
    other = await make_partner(session)
    foreign = await recharge(session, other, "1000.00")
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    customers_own = await recharge(session, partner, "50.00", customer=referral)

    for row in (foreign, customers_own):
        # when
        body = await gql(client, REQUEST, original_route(row, "10.00"), token=token)

        # then
        assert errors_of(body, "requestWithdrawal") == [("NOT_FOUND", ["input", "rechargeId"])]
    assert (await account(client, token))["held"] == "0.00"
    await assert_books_balance(session)


@pytest.mark.parametrize("recharge_id", ["bogus", global_id("Recharge", 999_999)])
async def test_original_route_of_an_unknown_recharge(client, session, world, recharge_id):
    partner, token, _ = world
    await recharge(session, partner, "1000.00")

    body = await gql(
        client, REQUEST, request_input("ORIGINAL_ROUTE", rechargeId=recharge_id), token=token
    )

    assert errors_of(body, "requestWithdrawal") == [("NOT_FOUND", ["input", "rechargeId"])]


async def test_original_route_of_an_unpaid_recharge(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00")
    created = await gql(
        client,
        """mutation($input: CreateRechargeInput!) { createRecharge(input: $input) {
             recharge { id } } }""",
        {"input": {"channel": "ALIPAY", "amount": "10.00", "idempotencyKey": "order"}},
        token=token,
    )
    pending_id = created["data"]["createRecharge"]["recharge"]["id"]

    body = await gql(
        client,
        REQUEST,
        request_input("ORIGINAL_ROUTE", "10.00", rechargeId=pending_id),
        token=token,
    )

    assert errors_of(body, "requestWithdrawal") == [("NOT_FOUND", ["input", "rechargeId"])]


# --- BANK_CARD ------------------------------------------------------------------------------


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


# --- INCENTIVE_REBATE -----------------------------------------------------------------------


async def test_incentive_rebate_without_incentive(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    body = await gql(client, REQUEST, request_input("INCENTIVE_REBATE", "0.01"), token=token)

    assert errors_of(body, "requestWithdrawal") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("1000.00", "0.00")


async def test_incentive_rebate_pays_from_the_incentive_account(
    client, session, world, frozen_clock
):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    await pay_incentive(session, partner, "500.00")

    # when
    first = await requested(client, token, request_input("INCENTIVE_REBATE", "300.00"))
    beyond = await gql(client, REQUEST, request_input("INCENTIVE_REBATE", "200.01"), token=token)

    # then: the pending request claims incentive money, cash is untouched
    assert first["route"] == "INCENTIVE_REBATE"
    assert errors_of(beyond, "requestWithdrawal") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    money = await account(client, token)
    assert (money["incentive"], money["incentiveWithdrawable"]) == ("500.00", "200.00")
    assert (money["allocatable"], money["held"]) == ("1000.00", "0.00")

    # and when it is paid
    frozen_clock.advance(timedelta(days=1))
    assert (await approve(client, platform, first["id"]))["userErrors"] == []
    paid = await review(client, platform, MARK_PAID, first["id"], "paid")
    assert paid["userErrors"] == []
    money = await account(client, token)
    assert (money["incentive"], money["incentiveWithdrawable"]) == ("200.00", "200.00")
    assert (money["allocatable"], money["held"], money["balance"]) == ("1000.00", "0.00", "1000.00")
    await assert_books_balance(session)


async def test_rejected_incentive_rebate_frees_the_incentive(client, session, world):
    partner, token, platform = world
    await pay_incentive(session, partner, "500.00")
    withdrawal = await requested(client, token, request_input("INCENTIVE_REBATE", "500.00"))

    rejected = await review(client, platform, REJECT, withdrawal["id"], "r", reason="no contract")

    assert rejected["userErrors"] == []
    money = await account(client, token)
    assert (money["incentive"], money["incentiveWithdrawable"]) == ("500.00", "500.00")
    await assert_books_balance(session)


# --- input and roles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "code", "field"),
    [
        ("0", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("-1.00", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("1.001", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("10000000.01", "CNY", "AMOUNT_LIMITED", ["input", "amount"]),
        ("1.00", "USD", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
    ],
)
async def test_bad_amounts(client, session, world, amount, currency, code, field):
    partner, token, _ = world
    paid = await recharge(session, partner, "1000.00", channel=BANK)

    for variables in (
        request_input(amount=amount, currency=currency),
        {"input": {**original_route(paid, amount)["input"], "currency": currency}},
    ):
        body = await gql(client, REQUEST, variables, token=token)
        assert errors_of(body, "requestWithdrawal")[0] == (code, field)
    assert await session.scalar(select(func.count()).select_from(Withdrawal)) == 0


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_funds_rights_cannot_withdraw(client, session, world, role):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    user = await make_user(session, partner, role)

    body = await gql(client, REQUEST, request_input(), token=await token_for(session, user))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await account(client, token))["held"] == "0.00"


async def test_admin_may_withdraw(client, session, world):
    partner, _token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    admin = await make_user(session, partner, Role.ADMIN)

    body = await gql(client, REQUEST, request_input(), token=await token_for(session, admin))

    assert body["data"]["requestWithdrawal"]["userErrors"] == []


async def test_customer_and_platform_cannot_request_withdrawals(client, session, world):
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    customer = await make_customer(session, partner)

    for other in (await customer_token(session, customer), platform):
        body = await gql(client, REQUEST, request_input(), token=other)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await account(client, token))["held"] == "0.00"


# --- original-route windows at their boundaries ---------------------------------------------

NOW_PLUS_3_MONTHS = datetime(2026, 9, 15, 4, 0, tzinfo=UTC)
NOW_PLUS_11_MONTHS = datetime(2027, 5, 15, 4, 0, tzinfo=UTC)

BOUNDED = [
    (HUAWEI, ALIPAY, NOW_PLUS_3_MONTHS),
    (OTHER, ALIPAY, NOW_PLUS_11_MONTHS),
    (OTHER, WECHAT, NOW_PLUS_11_MONTHS),
    (OTHER, UNIONPAY, NOW_PLUS_3_MONTHS),
]
FREE = [(HUAWEI, WECHAT), (HUAWEI, UNIONPAY), (OTHER, BANK)]


async def windowed_world(session, entity):
    partner = await make_partner(session, certified_company_name=HOLDER, contracting_entity=entity)
    finance = await make_user(session, partner, Role.FINANCE)
    return partner, await token_for(session, finance)


@pytest.mark.parametrize(("entity", "channel", "until"), BOUNDED)
async def test_one_second_before_the_window_ends(
    client, session, frozen_clock, entity, channel, until
):
    # given: a recharge paid now
    partner, token = await windowed_world(session, entity)
    paid = await recharge(session, partner, "1000.00", channel=channel)
    frozen_clock.set(until - timedelta(seconds=1))

    # when
    body = await gql(client, REQUEST, request_input(amount="1.00"), token=token)

    # then
    assert errors_of(body, "requestWithdrawal") == [("ROUTE_REQUIRED", ["input", "route"])]
    money = await account(client, token)
    assert (money["total"], money["originalRouteOnly"], money["bankCard"]) == (
        "1000.00",
        "1000.00",
        "0.00",
    )
    window = await gql(client, RECHARGE, {"id": global_id("Recharge", paid.id)}, token=token)
    assert window["data"]["node"]["mustUseOriginalRoute"] is True
    assert window["data"]["node"]["originalRouteUntil"] == until.isoformat().replace("+00:00", "Z")
    # the original route is open all along
    back = await gql(client, REQUEST, original_route(paid, "1.00"), token=token)
    assert back["data"]["requestWithdrawal"]["userErrors"] == []


@pytest.mark.parametrize(("entity", "channel", "until"), BOUNDED)
async def test_bank_card_allowed_when_the_window_ends(
    client, session, frozen_clock, entity, channel, until
):
    # given
    partner, token = await windowed_world(session, entity)
    paid = await recharge(session, partner, "1000.00", channel=channel)
    frozen_clock.set(until)

    # when
    money_before = await account(client, token)
    body = await gql(client, REQUEST, request_input(amount="1000.00"), token=token)

    # then
    assert (money_before["originalRouteOnly"], money_before["bankCard"]) == ("0.00", "1000.00")
    assert body["data"]["requestWithdrawal"]["userErrors"] == []
    window = await gql(client, RECHARGE, {"id": global_id("Recharge", paid.id)}, token=token)
    assert window["data"]["node"]["mustUseOriginalRoute"] is False
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("0.00", "1000.00")
    await assert_books_balance(session)


async def test_window_follows_the_shanghai_calendar(client, session, frozen_clock):
    # given: paid 2026-01-31 01:00 in Shanghai (still Jan 30 in UTC); three calendar months
    # on the business calendar end 2026-04-30 01:00 Shanghai (clamped) = 2026-04-29T17:00Z
    frozen_clock.set(datetime(2026, 1, 30, 17, 0, tzinfo=UTC))
    partner, token = await windowed_world(session, HUAWEI)
    paid = await recharge(session, partner, "1000.00", channel=ALIPAY)
    boundary = datetime(2026, 4, 29, 17, 0, tzinfo=UTC)

    # when
    frozen_clock.set(boundary - timedelta(seconds=1))
    before = await gql(client, REQUEST, request_input(amount="1.00"), token=token)
    frozen_clock.set(boundary)
    at = await gql(client, REQUEST, request_input(amount="1.00"), token=token)

    # then
    assert errors_of(before, "requestWithdrawal") == [("ROUTE_REQUIRED", ["input", "route"])]
    assert at["data"]["requestWithdrawal"]["userErrors"] == []
    window = await gql(client, RECHARGE, {"id": global_id("Recharge", paid.id)}, token=token)
    assert window["data"]["node"]["originalRouteUntil"] == "2026-04-29T17:00:00Z"


@pytest.mark.parametrize(("entity", "channel"), FREE)
async def test_recharges_without_a_window_leave_by_bank_card_at_once(
    client, session, entity, channel
):
    partner, token = await windowed_world(session, entity)
    paid = await recharge(session, partner, "1000.00", channel=channel)

    money = await account(client, token)
    body = await gql(client, REQUEST, request_input(amount="1000.00"), token=token)

    assert (money["originalRouteOnly"], money["bankCard"]) == ("0.00", "1000.00")
    assert body["data"]["requestWithdrawal"]["userErrors"] == []
    window = await gql(client, RECHARGE, {"id": global_id("Recharge", paid.id)}, token=token)
    assert window["data"]["node"] == {
        "remaining": {"amount": "0.00"},
        "originalRouteUntil": None,
        "mustUseOriginalRoute": False,
    }


@pytest.mark.parametrize("age", [timedelta(0), timedelta(days=3 * 366), timedelta(days=3650)])
async def test_huawei_bank_transfers_always_go_back_by_original_route(
    client, session, frozen_clock, age
):
    # given
    partner, token = await windowed_world(session, HUAWEI)
    paid = await recharge(session, partner, "1000.00", channel=BANK)
    frozen_clock.advance(age)

    # when
    body = await gql(client, REQUEST, request_input(amount="0.01"), token=token)
    back = await gql(client, REQUEST, original_route(paid, "1000.00"), token=token)

    # then
    assert errors_of(body, "requestWithdrawal") == [("ROUTE_REQUIRED", ["input", "route"])]
    assert back["data"]["requestWithdrawal"]["userErrors"] == []
    window = await gql(client, RECHARGE, {"id": global_id("Recharge", paid.id)}, token=token)
    assert window["data"]["node"]["mustUseOriginalRoute"] is True
    assert window["data"]["node"]["originalRouteUntil"] is None


async def test_withdrawable_splits_by_route(client, session, frozen_clock):
    # given: a HUAWEI partner with money of every kind
    partner, token = await windowed_world(session, HUAWEI)
    await recharge(session, partner, "100.00", channel=ALIPAY)  # until NOW + 3 months
    await recharge(session, partner, "20.00", channel=BANK)  # always original route
    await recharge(session, partner, "3.00", channel=WECHAT)  # free
    await recharge(session, partner, "0.40", channel=UNIONPAY)  # free

    # when / then
    money = await account(client, token)
    assert (money["total"], money["originalRouteOnly"], money["bankCard"]) == (
        "123.40",
        "120.00",
        "3.40",
    )
    frozen_clock.set(NOW_PLUS_3_MONTHS)
    money = await account(client, token)
    assert (money["total"], money["originalRouteOnly"], money["bankCard"]) == (
        "123.40",
        "20.00",
        "103.40",
    )
    assert money["total"] == money["allocatable"]


# --- held money -----------------------------------------------------------------------------


async def test_a_request_holds_the_money(client, session, world):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    # when
    await requested(client, token, request_input(amount="300.00"))

    # then
    money = await account(client, token)
    assert (money["balance"], money["allocatable"], money["held"]) == (
        "1000.00",
        "700.00",
        "300.00",
    )
    assert (money["total"], money["bankCard"]) == ("700.00", "700.00")
    kinds = (await session.scalars(select(LedgerTransaction.kind))).all()
    assert LedgerKind.WITHDRAWAL_SUBMITTED in kinds
    await assert_books_balance(session)


async def test_held_money_cannot_be_allocated(client, session, world):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    customer = await make_customer(session, partner)
    await requested(client, token, request_input(amount="300.00"))

    def allocate(amount, key):
        return {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": amount,
                "idempotencyKey": key,
            }
        }

    # when
    too_much = await gql(client, ADJUST, allocate("700.01", "a"), token=token)
    rest = await gql(client, ADJUST, allocate("700.00", "b"), token=token)

    # then
    assert errors_of(too_much, "adjustCustomerFunds") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert rest["data"]["adjustCustomerFunds"]["userErrors"] == []
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("0.00", "300.00")
    await assert_books_balance(session)


async def test_held_money_cannot_be_withdrawn_twice(client, session, world):
    partner, token, _ = world
    paid = await recharge(session, partner, "1000.00", channel=BANK)
    await requested(client, token, request_input(amount="600.00"))

    by_card = await gql(client, REQUEST, request_input(amount="400.01"), token=token)
    by_route = await gql(client, REQUEST, original_route(paid, "400.01"), token=token)

    assert errors_of(by_card, "requestWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert errors_of(by_route, "requestWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert (await account(client, token))["held"] == "600.00"


# --- platform review ------------------------------------------------------------------------


async def test_platform_approves_a_submitted_withdrawal(client, session, world, frozen_clock):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))
    frozen_clock.advance(timedelta(hours=2))

    # when
    payload = await approve(client, platform, withdrawal["id"])

    # then
    assert payload["userErrors"] == []
    assert payload["withdrawal"] == {
        "id": withdrawal["id"],
        "status": "APPROVED",
        "reviewedAt": "2026-06-15T06:00:00Z",
        "paidAt": None,
    }
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("700.00", "300.00")
    await assert_books_balance(session)


@pytest.mark.parametrize("status", ["APPROVED", "REJECTED", "PAID"])
async def test_only_a_submitted_withdrawal_can_be_approved(client, session, world, status):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, status, request_input(amount="300.00"))
    before = await account(client, token)

    # when
    payload = await approve(client, platform, withdrawal["id"])

    # then
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_STATE", ["input", "withdrawalId"])
    ]
    node = await gql(client, WITHDRAWAL, {"id": withdrawal["id"]}, token=token)
    assert node["data"]["node"]["status"] == status
    assert await account(client, token) == before


@pytest.mark.parametrize("approved_first", [False, True])
async def test_rejection_releases_the_held_money(
    client, session, world, frozen_clock, approved_first
):
    # given
    partner, token, platform = world
    paid = await recharge(session, partner, "1000.00", channel=ALIPAY)
    withdrawal = await requested(client, token, original_route(paid, "400.00"))
    if approved_first:
        assert (await approve(client, platform, withdrawal["id"]))["userErrors"] == []
    frozen_clock.advance(timedelta(days=1))

    # when
    payload = await review(
        client, platform, REJECT, withdrawal["id"], "rej", reason="  Payer account closed  "
    )

    # then
    assert payload["userErrors"] == []
    assert payload["withdrawal"]["status"] == "REJECTED"
    assert payload["withdrawal"]["rejectReason"] == "Payer account closed"
    assert payload["withdrawal"]["reviewedAt"] == "2026-06-16T04:00:00Z"
    money = await account(client, token)
    assert (money["balance"], money["allocatable"], money["held"]) == (
        "1000.00",
        "1000.00",
        "0.00",
    )
    # back to the same recharge, still inside its window
    assert await remaining(client, token, paid) == "1000.00"
    assert (money["originalRouteOnly"], money["bankCard"]) == ("1000.00", "0.00")
    await assert_books_balance(session)


async def test_rejection_gives_back_to_every_recharge_drawn(client, session, world):
    # given: a bank-card withdrawal drawn from two recharges past their windows
    partner, token, platform = world
    first = await recharge(session, partner, "100.00", channel=BANK, paid_at=NOW - timedelta(2))
    locked = await recharge(session, partner, "500.00", channel=ALIPAY, paid_at=NOW - timedelta(1))
    second = await recharge(session, partner, "200.00", channel=BANK, paid_at=NOW)
    withdrawal = await requested(client, token, request_input(amount="250.00"))
    assert await remaining(client, token, first) == "0.00"
    assert await remaining(client, token, second) == "50.00"

    # when
    payload = await review(client, platform, REJECT, withdrawal["id"], "rej", reason="wrong card")

    # then
    assert payload["userErrors"] == []
    assert await remaining(client, token, first) == "100.00"
    assert await remaining(client, token, locked) == "500.00"
    assert await remaining(client, token, second) == "200.00"
    money = await account(client, token)
    assert (money["allocatable"], money["held"], money["bankCard"]) == ("800.00", "0.00", "300.00")
    await assert_books_balance(session)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
async def test_rejection_needs_a_reason(client, session, world, reason):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))

    # when
    payload = await review(client, platform, REJECT, withdrawal["id"], "rej", reason=reason)

    # then
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input", "reason"])
    ]
    node = await gql(client, WITHDRAWAL, {"id": withdrawal["id"]}, token=token)
    assert node["data"]["node"]["status"] == "SUBMITTED"
    assert (await account(client, token))["held"] == "300.00"


async def test_a_reason_of_500_characters_is_enough(client, session, world):
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))

    payload = await review(client, platform, REJECT, withdrawal["id"], "rej", reason="x" * 500)

    assert payload["userErrors"] == []


@pytest.mark.parametrize("status", ["REJECTED", "PAID"])
async def test_only_an_open_withdrawal_can_be_rejected(client, session, world, status):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, status, request_input(amount="300.00"))
    before = await account(client, token)

    # when
    payload = await review(client, platform, REJECT, withdrawal["id"], "again", reason="late")

    # then
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_STATE", ["input", "withdrawalId"])
    ]
    assert await account(client, token) == before
    await assert_books_balance(session)


async def test_paying_an_approved_withdrawal(client, session, world, frozen_clock):
    # given
    partner, token, platform = world
    paid_in = await recharge(session, partner, "1000.00", channel=ALIPAY)
    withdrawal = await requested(client, token, original_route(paid_in, "400.00"))
    assert (await approve(client, platform, withdrawal["id"]))["userErrors"] == []
    frozen_clock.advance(timedelta(days=3))

    # when
    payload = await review(client, platform, MARK_PAID, withdrawal["id"], "paid")

    # then
    assert payload["userErrors"] == []
    assert payload["withdrawal"] == {
        "id": withdrawal["id"],
        "status": "PAID",
        "paidAt": "2026-06-18T04:00:00Z",
    }
    money = await account(client, token)
    assert (money["balance"], money["allocatable"], money["held"]) == (
        "600.00",
        "600.00",
        "0.00",
    )
    assert await remaining(client, token, paid_in) == "600.00"
    kinds = (
        await session.scalars(select(LedgerTransaction.kind).order_by(LedgerTransaction.id))
    ).all()
    assert kinds == [
        LedgerKind.RECHARGE,
        LedgerKind.WITHDRAWAL_SUBMITTED,
        LedgerKind.WITHDRAWAL_PAID,
    ]
    await assert_books_balance(session)


@pytest.mark.parametrize("status", ["SUBMITTED", "REJECTED", "PAID"])
async def test_only_an_approved_withdrawal_can_be_paid(client, session, world, status):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, status, request_input(amount="300.00"))
    before = await account(client, token)

    # when
    payload = await review(client, platform, MARK_PAID, withdrawal["id"], "pay-again")

    # then
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_STATE", ["input", "withdrawalId"])
    ]
    node = await gql(client, WITHDRAWAL, {"id": withdrawal["id"]}, token=token)
    assert node["data"]["node"]["status"] == status
    assert await account(client, token) == before
    await assert_books_balance(session)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
async def test_partners_cannot_review_their_withdrawals(client, session, world, role):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    submitted = await requested(client, token, request_input(amount="300.00"))
    approved = await in_state(client, token, platform, "APPROVED", request_input(amount="100.00"))
    user_token = await token_for(session, await make_user(session, partner, role))

    # when
    attempts = [
        await gql(client, APPROVE, {"input": {"withdrawalId": submitted["id"]}}, token=user_token),
        await gql(
            client, REJECT, review_input(submitted["id"], "x", reason="self"), token=user_token
        ),
        await gql(client, MARK_PAID, review_input(approved["id"], "y"), token=user_token),
    ]

    # then
    for body in attempts:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await gql(client, WITHDRAWALS, token=token)
    assert {n["id"]: n["status"] for n in listed["data"]["withdrawals"]["nodes"]} == {
        submitted["id"]: "SUBMITTED",
        approved["id"]: "APPROVED",
    }
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("600.00", "400.00")


async def test_customer_cannot_review_withdrawals(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))
    customer = await make_customer(session, partner)

    body = await gql(
        client,
        APPROVE,
        {"input": {"withdrawalId": withdrawal["id"]}},
        token=await customer_token(session, customer),
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("document", [APPROVE, REJECT, MARK_PAID])
async def test_reviewing_an_unknown_withdrawal(client, session, world, document):
    _, _, platform = world

    for n, withdrawal_id in enumerate([global_id("Withdrawal", 999_999), "bogus"]):
        variables = review_input(withdrawal_id, f"k-{n}")
        if document is REJECT:
            variables["input"]["reason"] = "r"
        if document is APPROVE:
            del variables["input"]["idempotencyKey"]
        body = await gql(client, document, variables, token=platform)
        payload = next(iter(body["data"].values()))
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("NOT_FOUND", ["input", "withdrawalId"])
        ]


# --- deleteWithdrawal -----------------------------------------------------------------------


async def test_a_rejected_withdrawal_can_be_deleted(client, session, world):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    kept = await requested(client, token, request_input(amount="100.00"))
    rejected = await in_state(client, token, platform, "REJECTED", request_input(amount="300.00"))

    # when
    body = await gql(client, DELETE, {"input": {"withdrawalId": rejected["id"]}}, token=token)

    # then
    assert body["data"]["deleteWithdrawal"] == {
        "deletedWithdrawalId": rejected["id"],
        "userErrors": [],
    }
    listed = await gql(client, WITHDRAWALS, token=token)
    assert [n["id"] for n in listed["data"]["withdrawals"]["nodes"]] == [kept["id"]]
    assert listed["data"]["withdrawals"]["totalCount"] == 1
    node = await gql(client, WITHDRAWAL, {"id": rejected["id"]}, token=token)
    assert node["data"]["node"] is None
    again = await gql(client, DELETE, {"input": {"withdrawalId": rejected["id"]}}, token=token)
    assert errors_of(again, "deleteWithdrawal") == [("NOT_FOUND", ["input", "withdrawalId"])]
    # deleting moves no money
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("900.00", "100.00")
    await assert_books_balance(session)


@pytest.mark.parametrize("status", ["SUBMITTED", "APPROVED", "PAID"])
async def test_only_a_rejected_withdrawal_can_be_deleted(client, session, world, status):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, status, request_input(amount="300.00"))

    # when
    body = await gql(client, DELETE, {"input": {"withdrawalId": withdrawal["id"]}}, token=token)

    # then
    assert errors_of(body, "deleteWithdrawal") == [("INVALID_STATE", ["input", "withdrawalId"])]
    listed = await gql(client, WITHDRAWALS, token=token)
    assert [n["id"] for n in listed["data"]["withdrawals"]["nodes"]] == [withdrawal["id"]]


async def test_another_partners_withdrawal_is_not_found(client, session, world):
    # given
    _partner, token, platform = world
    other = await make_partner(session, certified_company_name="Other Co.")
    other_token = await token_for(session, await make_user(session, other, Role.FINANCE))
    await recharge(session, other, "1000.00", channel=BANK)
    theirs = await in_state(
        client,
        other_token,
        platform,
        "REJECTED",
        request_input(amount="300.00", bankCard=card("Other Co.")),
    )

    # when
    body = await gql(client, DELETE, {"input": {"withdrawalId": theirs["id"]}}, token=token)

    # then
    assert errors_of(body, "deleteWithdrawal") == [("NOT_FOUND", ["input", "withdrawalId"])]
    mine = await gql(client, WITHDRAWALS, token=token)
    assert mine["data"]["withdrawals"]["nodes"] == []
    node = await gql(client, WITHDRAWAL, {"id": theirs["id"]}, token=token)
    assert node["data"]["node"] is None
    still = await gql(client, WITHDRAWALS, token=other_token)
    assert [n["id"] for n in still["data"]["withdrawals"]["nodes"]] == [theirs["id"]]


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_funds_rights_cannot_delete(client, session, world, role):
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    rejected = await in_state(client, token, platform, "REJECTED", request_input(amount="300.00"))
    user_token = await token_for(session, await make_user(session, partner, role))

    body = await gql(client, DELETE, {"input": {"withdrawalId": rejected["id"]}}, token=user_token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await gql(client, WITHDRAWALS, token=token)
    assert [n["id"] for n in listed["data"]["withdrawals"]["nodes"]] == [rejected["id"]]


async def test_viewer_reads_the_withdrawals(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))
    viewer = await token_for(session, await make_user(session, partner, Role.VIEWER))

    body = await gql(client, WITHDRAWALS, token=viewer)

    assert [n["id"] for n in body["data"]["withdrawals"]["nodes"]] == [withdrawal["id"]]


@pytest.mark.parametrize("sees_all_customers", [False, True])
async def test_sales_cannot_read_the_withdrawals(client, session, world, sees_all_customers):
    # Withdrawals are the partner's money, like `Partner.account` and `statement`, which
    # answer FORBIDDEN to SALES (READ_FUNDS: ADMIN, FINANCE, VIEWER).
    partner, token, _ = world
    partner.sales_see_all_customers = sees_all_customers
    await session.flush()
    await recharge(session, partner, "1000.00", channel=BANK)
    await requested(client, token, request_input(amount="300.00"))
    sales = await token_for(session, await make_user(session, partner, Role.SALES))

    body = await gql(client, WITHDRAWALS, token=sales)

    assert body.get("errors"), body
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- idempotent replays ---------------------------------------------------------------------


async def test_request_replay_holds_once(client, session, world):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    first = await requested(client, token, request_input(amount="300.00", key="same"))

    # when
    again = await gql(client, REQUEST, request_input(amount="300.00", key="same"), token=token)
    reused = await gql(client, REQUEST, request_input(amount="301.00", key="same"), token=token)

    # then
    assert again["data"]["requestWithdrawal"]["userErrors"] == []
    assert again["data"]["requestWithdrawal"]["withdrawal"]["id"] == first["id"]
    assert errors_of(reused, "requestWithdrawal") == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("700.00", "300.00")
    assert await session.scalar(select(func.count()).select_from(Withdrawal)) == 1
    await assert_books_balance(session)


async def test_refused_request_is_replayed_as_refused(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "100.00", channel=BANK)
    refused = await gql(client, REQUEST, request_input(amount="500.00", key="k"), token=token)
    await recharge(session, partner, "1000.00", channel=BANK)

    again = await gql(client, REQUEST, request_input(amount="500.00", key="k"), token=token)

    for body in (refused, again):
        assert errors_of(body, "requestWithdrawal") == [
            ("INSUFFICIENT_BALANCE", ["input", "amount"])
        ]
    assert (await account(client, token))["held"] == "0.00"


async def test_reject_replay_releases_once(client, session, world):
    # given: two withdrawals hold money, one is rejected
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    rejected = await requested(client, token, request_input(amount="300.00"))
    await requested(client, token, request_input(amount="200.00"))
    first = await review(client, platform, REJECT, rejected["id"], "same", reason="no")

    # when
    again = await review(client, platform, REJECT, rejected["id"], "same", reason="no")
    other_key = await review(client, platform, REJECT, rejected["id"], "other", reason="no")

    # then
    assert first["userErrors"] == [] and again["userErrors"] == []
    assert again["withdrawal"] == first["withdrawal"]
    assert [(e["code"], e["field"]) for e in other_key["userErrors"]] == [
        ("INVALID_STATE", ["input", "withdrawalId"])
    ]
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("800.00", "200.00")
    await assert_books_balance(session)


async def test_reject_with_a_missing_reason_stores_no_key(client, session, world):
    # DESIGN.md > Idempotency: input that fails validation stores nothing, so the platform
    # can retry with the same key once it supplies the reason.
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))
    refused = await review(client, platform, REJECT, withdrawal["id"], "k", reason=" ")

    retried = await review(client, platform, REJECT, withdrawal["id"], "k", reason="no")

    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_INPUT"]
    assert retried["userErrors"] == []
    assert retried["withdrawal"]["status"] == "REJECTED"


async def test_mark_paid_replay_pays_once(client, session, world):
    # given: two approved withdrawals hold money
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    paid = await in_state(client, token, platform, "APPROVED", request_input(amount="300.00"))
    await in_state(client, token, platform, "APPROVED", request_input(amount="200.00"))
    first = await review(client, platform, MARK_PAID, paid["id"], "same")

    # when
    again = await review(client, platform, MARK_PAID, paid["id"], "same")
    other_key = await review(client, platform, MARK_PAID, paid["id"], "other")

    # then
    assert first["userErrors"] == [] and again["userErrors"] == []
    assert again["withdrawal"] == first["withdrawal"]
    assert [(e["code"], e["field"]) for e in other_key["userErrors"]] == [
        ("INVALID_STATE", ["input", "withdrawalId"])
    ]
    money = await account(client, token)
    assert (money["balance"], money["allocatable"], money["held"]) == (
        "700.00",
        "500.00",
        "200.00",
    )
    paid_count = await session.scalar(
        select(func.count())
        .select_from(LedgerTransaction)
        .where(LedgerTransaction.kind == LedgerKind.WITHDRAWAL_PAID)
    )
    assert paid_count == 1
    await assert_books_balance(session)


# --- a whole flow ---------------------------------------------------------------------------


async def test_a_month_of_withdrawals_keeps_the_books(client, session, frozen_clock):
    # given: a HUAWEI partner with Alipay (3-month window), a bank transfer (always original
    # route) and WeChat (free) money
    partner, token = await windowed_world(session, HUAWEI)
    platform = await platform_token(session)
    alipay = await recharge(session, partner, "1000.00", channel=ALIPAY)
    bank = await recharge(session, partner, "500.00", channel=BANK)
    await recharge(session, partner, "250.00", channel=WECHAT)

    # when
    by_card = await requested(client, token, request_input(amount="250.00"))
    to_alipay = await requested(client, token, original_route(alipay, "600.00"))
    to_bank = await requested(client, token, original_route(bank, "500.00"))
    assert (await approve(client, platform, by_card["id"]))["userErrors"] == []
    assert (await review(client, platform, MARK_PAID, by_card["id"], "1"))["userErrors"] == []
    assert (await review(client, platform, REJECT, to_alipay["id"], "2", reason="x"))[
        "userErrors"
    ] == []
    assert (await approve(client, platform, to_bank["id"]))["userErrors"] == []
    frozen_clock.set(NOW_PLUS_3_MONTHS)
    rest = await requested(client, token, request_input(amount="1000.00"))

    # then
    money = await account(client, token)
    assert (money["balance"], money["allocatable"], money["held"]) == (
        "1500.00",
        "0.00",
        "1500.00",
    )
    assert await remaining(client, token, alipay) == "0.00"
    assert await remaining(client, token, bank) == "0.00"
    assert rest["status"] == "SUBMITTED"
    await assert_books_balance(session)
