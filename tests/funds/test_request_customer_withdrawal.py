"""`requestCustomerWithdrawal`: a customer asks to take out its own cash frozen by a
REFERRAL -> RESELLER switch; the amount moves from frozen to held at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app import clock
from app.models import CustomerWithdrawal, IdempotencyKey
from app.models.customers.enums import AssociationType
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds import customer_withdrawal_helpers
from tests.funds.customer_withdrawal_helpers import (
    REQUEST,
    audits,
    card,
    cash,
    entries,
    errors_of,
    frozen_customer,
    request_input,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.recharge_helpers import count

world = customer_withdrawal_helpers.world

D = Decimal


async def test_the_customer_withdraws_part_of_its_frozen_cash(client, session, world):
    # when
    body = await gql(
        client, REQUEST, request_input(world.customer, "120.50"), token=world.customer_token
    )

    # then
    payload = body["data"]["requestCustomerWithdrawal"]
    assert payload["userErrors"] == []
    withdrawal = payload["customerWithdrawal"]
    assert withdrawal["status"] == "SUBMITTED"
    assert withdrawal["amount"] == {"amount": "120.50", "currency": "CNY"}
    assert withdrawal["bankCard"]["holder"] == world.customer.name
    assert withdrawal["bankCard"]["cardNumber"].endswith("7890")
    assert "6222" not in withdrawal["bankCard"]["cardNumber"]
    assert withdrawal["customer"]["account"] == {
        "balance": {"amount": "0.00"},
        "frozenOwnCash": {"amount": "179.50"},
        "ownCashHeld": {"amount": "120.50"},
    }
    assert await cash(session, world.customer) == (D("0.00"), D("179.50"), D("120.50"))
    assert await entries(session, "OWN_CASH_HELD") == [
        ("CUSTOMER_FROZEN_CASH", D("-120.50")),
        ("CUSTOMER_CASH_HELD", D("120.50")),
    ]
    assert await audits(session, "funds.request_customer_withdrawal") == 1
    await assert_books_balance(session)


async def test_all_of_it_and_the_holder_compared_loosely(client, session, world):
    holder = "  " + world.customer.name.upper().replace(" ", "  ") + " "
    variables = request_input(world.customer, "300.00", bankCard=card(world.customer, holder))

    body = await gql(client, REQUEST, variables, token=world.customer_token)

    assert body["data"]["requestCustomerWithdrawal"]["userErrors"] == []
    assert await cash(session, world.customer) == (D("0.00"), D("0.00"), D("300.00"))
    await assert_books_balance(session)


async def test_more_than_the_frozen_cash(client, session, world):
    body = await gql(
        client, REQUEST, request_input(world.customer, "300.01"), token=world.customer_token
    )

    assert errors_of(body, "requestCustomerWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert await count(session, CustomerWithdrawal) == 0
    assert await cash(session, world.customer) == (D("0.00"), D("300.00"), D("0.00"))


async def test_a_second_request_has_only_what_the_first_left(client, session, world):
    first = await gql(
        client, REQUEST, request_input(world.customer, "200.00"), token=world.customer_token
    )
    second = await gql(
        client, REQUEST, request_input(world.customer, "100.01"), token=world.customer_token
    )

    assert first["data"]["requestCustomerWithdrawal"]["userErrors"] == []
    assert errors_of(second, "requestCustomerWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert await cash(session, world.customer) == (D("0.00"), D("100.00"), D("200.00"))


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00"])
async def test_a_zero_or_negative_amount(client, session, world, amount):
    body = await gql(
        client, REQUEST, request_input(world.customer, amount), token=world.customer_token
    )

    assert errors_of(body, "requestCustomerWithdrawal") == [("INVALID_INPUT", ["input", "amount"])]
    assert await count(session, IdempotencyKey) == 0


@pytest.mark.parametrize("amount", ["1.001", "abc", "1e3"])
async def test_a_malformed_amount_is_refused_before_execution(client, session, world, amount):
    body = await gql(
        client, REQUEST, request_input(world.customer, amount), token=world.customer_token
    )

    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await count(session, CustomerWithdrawal) == 0


async def test_all_of_it_asked_for_already(client, session, world):
    await gql(client, REQUEST, request_input(world.customer, "300.00"), token=world.customer_token)

    body = await gql(
        client, REQUEST, request_input(world.customer, "1.00"), token=world.customer_token
    )

    assert errors_of(body, "requestCustomerWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]


async def test_a_customer_without_frozen_cash(client, session):
    # given: a RESELLER customer funded by its partner, and a REFERRAL one with own cash
    partner = await make_partner(session)
    reseller = await make_customer(session, partner)
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    await recharge(session, partner, "50.00", customer=referral)

    for customer in (reseller, referral):
        # when
        body = await gql(
            client,
            REQUEST,
            request_input(customer, "10.00"),
            token=await customer_token(session, customer),
        )

        # then
        assert errors_of(body, "requestCustomerWithdrawal") == [
            ("NO_FROZEN_CASH", ["input", "customerId"])
        ]
    assert await count(session, CustomerWithdrawal) == 0


async def test_a_bank_account_of_someone_else(client, session, world):
    variables = request_input(world.customer, bankCard=card(world.customer, "Someone Else Ltd."))

    body = await gql(client, REQUEST, variables, token=world.customer_token)

    assert errors_of(body, "requestCustomerWithdrawal") == [
        ("ACCOUNT_HOLDER_MISMATCH", ["input", "bankCard", "holder"])
    ]
    assert await cash(session, world.customer) == (D("0.00"), D("300.00"), D("0.00"))


async def test_the_partners_name_is_not_the_customers(client, session, world):
    variables = request_input(
        world.customer, bankCard=card(world.customer, world.partner.certified_company_name)
    )

    body = await gql(client, REQUEST, variables, token=world.customer_token)

    assert errors_of(body, "requestCustomerWithdrawal") == [
        ("ACCOUNT_HOLDER_MISMATCH", ["input", "bankCard", "holder"])
    ]


@pytest.mark.parametrize(
    ("bank_card", "field"),
    [
        ({"number": "12345"}, ["input", "bankCard", "cardNumber"]),
        ({"number": "6222-0212-3456-7890"}, ["input", "bankCard", "cardNumber"]),
        ({"holder": " "}, ["input", "bankCard", "holder"]),
    ],
)
async def test_a_malformed_bank_account(client, session, world, bank_card, field):
    variables = request_input(world.customer, bankCard=card(world.customer, **bank_card))

    body = await gql(client, REQUEST, variables, token=world.customer_token)

    assert errors_of(body, "requestCustomerWithdrawal") == [("INVALID_INPUT", field)]
    assert await count(session, IdempotencyKey) == 0


async def test_another_cloud_accounts_customer_is_not_found(client, session, world):
    # given: a second customer with frozen cash, of another cloud account
    other = await frozen_customer(session, world.partner)

    body = await gql(client, REQUEST, request_input(other), token=world.customer_token)

    assert errors_of(body, "requestCustomerWithdrawal") == [("NOT_FOUND", ["input", "customerId"])]
    assert await cash(session, other) == (D("0.00"), D("300.00"), D("0.00"))


@pytest.mark.parametrize("role", list(Role))
async def test_partner_users_may_not_request_it(client, session, world, role):
    token = await token_for(session, await make_user(session, world.partner, role))

    body = await gql(client, REQUEST, request_input(world.customer), token=token)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(session, CustomerWithdrawal) == 0


async def test_the_platform_may_not_request_it(client, session, world):
    body = await gql(client, REQUEST, request_input(world.customer), token=world.platform)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_former_customer_can_still_take_its_money_out(client, session):
    # given: the association ended after the switch; the frozen cash stays the customer's
    partner = await make_partner(session)
    customer = await frozen_customer(session, partner)
    customer.ended_at = clock.now() - timedelta(days=1)
    await session.flush()

    body = await gql(
        client,
        REQUEST,
        request_input(customer, "300.00"),
        token=await customer_token(session, customer),
    )

    assert body["data"]["requestCustomerWithdrawal"]["userErrors"] == []
    await assert_books_balance(session)


async def test_a_retry_with_the_same_key_replays(client, session, world):
    # given
    variables = request_input(world.customer, "100.00", key="same")
    first = await gql(client, REQUEST, variables, token=world.customer_token)

    # when
    again = await gql(client, REQUEST, variables, token=world.customer_token)
    changed = await gql(
        client,
        REQUEST,
        request_input(world.customer, "50.00", key="same"),
        token=world.customer_token,
    )

    # then
    assert again["data"]["requestCustomerWithdrawal"] == first["data"]["requestCustomerWithdrawal"]
    assert errors_of(changed, "requestCustomerWithdrawal") == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await count(session, CustomerWithdrawal) == 1
    assert await cash(session, world.customer) == (D("0.00"), D("200.00"), D("100.00"))


async def test_a_refusal_is_replayed_too(client, session, world):
    variables = request_input(world.customer, "999.00", key="too-much")
    first = await gql(client, REQUEST, variables, token=world.customer_token)

    again = await gql(client, REQUEST, variables, token=world.customer_token)

    assert errors_of(first, "requestCustomerWithdrawal") == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert again["data"] == first["data"]
