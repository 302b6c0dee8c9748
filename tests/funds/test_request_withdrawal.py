"""`requestWithdrawal`: original route, incentive rebate, bad input, roles, held money, replays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import LedgerTransaction, Withdrawal
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerKind
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.core.input_helpers import assert_malformed_input
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import assert_books_balance, pay_incentive, recharge
from tests.funds.withdrawal_helpers import (
    ADJUST,
    ALIPAY,
    BANK,
    MARK_PAID,
    REJECT,
    REQUEST,
    account,
    approve,
    errors_of,
    original_route,
    remaining,
    request_input,
    requested,
    review,
)


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


@pytest.mark.parametrize(
    ("amount", "currency", "code", "field"),
    [
        ("0", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("-1.00", "CNY", "INVALID_INPUT", ["input", "amount"]),
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


async def test_an_amount_with_three_decimals_is_malformed(client, session, world):
    partner, token, _ = world
    paid = await recharge(session, partner, "1000.00", channel=BANK)

    for variables in (request_input(amount="1.001"), original_route(paid, "1.001")):
        body = await gql(client, REQUEST, variables, token=token)
        assert_malformed_input(body, "$input", ".amount", "at most 2 decimals")
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
