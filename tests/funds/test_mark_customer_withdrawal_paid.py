"""`markCustomerWithdrawalPaid`: an approved customer withdrawal has reached the customer's
bank account; the held cash leaves the system (to platform.external)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import global_id, gql, make_user, token_for
from tests.funds import customer_withdrawal_helpers
from tests.funds.customer_withdrawal_helpers import (
    APPROVE,
    MARK_PAID,
    REJECT,
    approved,
    audits,
    cash,
    entries,
    errors_of,
    requested,
    review_input,
)
from tests.funds.helpers import assert_books_balance

world = customer_withdrawal_helpers.world

D = Decimal


async def test_paid_money_leaves_the_system(client, session, world, frozen_clock):
    # given
    withdrawal = await approved(client, world, "120.00")

    # when
    body = await gql(client, MARK_PAID, review_input(withdrawal["id"]), token=world.platform)

    # then
    payload = body["data"]["markCustomerWithdrawalPaid"]
    assert payload["userErrors"] == []
    assert payload["customerWithdrawal"]["status"] == "PAID"
    assert payload["customerWithdrawal"]["paidAt"] == NOW.isoformat().replace("+00:00", "Z")
    assert payload["customerWithdrawal"]["reviewedAt"] is not None
    assert await cash(session, world.customer) == (D("0.00"), D("180.00"), D("0.00"))
    assert await entries(session, "OWN_CASH_PAID_OUT") == [
        ("CUSTOMER_CASH_HELD", D("-120.00")),
        ("PLATFORM_EXTERNAL", D("120.00")),
    ]
    assert await audits(session, "funds.mark_customer_withdrawal_paid") == 1
    await assert_books_balance(session)


@pytest.mark.parametrize("state", ["SUBMITTED", "REJECTED", "PAID"])
async def test_only_an_approved_one_is_paid(client, session, world, state):
    # given
    withdrawal = await requested(client, world, "100.00")
    if state == "REJECTED":
        await gql(client, REJECT, review_input(withdrawal["id"], reason="no"), token=world.platform)
    if state == "PAID":
        await gql(
            client,
            APPROVE,
            {"input": {"customerWithdrawalId": withdrawal["id"]}},
            token=world.platform,
        )
        await gql(client, MARK_PAID, review_input(withdrawal["id"]), token=world.platform)
    before = await cash(session, world.customer)

    # when: marked paid (again) under a new key
    body = await gql(client, MARK_PAID, review_input(withdrawal["id"]), token=world.platform)

    # then
    assert errors_of(body, "markCustomerWithdrawalPaid") == [
        ("INVALID_STATE", ["input", "customerWithdrawalId"])
    ]
    assert await cash(session, world.customer) == before
    await assert_books_balance(session)


async def test_a_retry_with_the_same_key_pays_once(client, session, world):
    withdrawal = await approved(client, world, "100.00")
    variables = review_input(withdrawal["id"], key="paid-once")
    first = await gql(client, MARK_PAID, variables, token=world.platform)

    again = await gql(client, MARK_PAID, variables, token=world.platform)

    assert again["data"] == first["data"]
    assert len(await entries(session, "OWN_CASH_PAID_OUT")) == 2  # one transaction
    await assert_books_balance(session)


async def test_an_unknown_withdrawal(client, session, world):
    body = await gql(
        client,
        MARK_PAID,
        review_input(global_id("CustomerWithdrawal", 999_999)),
        token=world.platform,
    )

    assert errors_of(body, "markCustomerWithdrawalPaid") == [
        ("NOT_FOUND", ["input", "customerWithdrawalId"])
    ]


async def test_the_partner_may_not_mark_it_paid(client, session, world):
    withdrawal = await approved(client, world)
    token = await token_for(session, await make_user(session, world.partner, Role.FINANCE))

    body = await gql(client, MARK_PAID, review_input(withdrawal["id"]), token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await cash(session, world.customer) == (D("0.00"), D("200.00"), D("100.00"))


async def test_once_all_is_paid_out_nothing_is_frozen(client, session, world):
    withdrawal = await approved(client, world, "300.00")
    await gql(client, MARK_PAID, review_input(withdrawal["id"]), token=world.platform)

    body = await gql(
        client,
        customer_withdrawal_helpers.REQUEST,
        customer_withdrawal_helpers.request_input(world.customer, "1.00"),
        token=world.customer_token,
    )

    assert errors_of(body, "requestCustomerWithdrawal") == [
        ("NO_FROZEN_CASH", ["input", "customerId"])
    ]
    assert await cash(session, world.customer) == (D("0.00"), D("0.00"), D("0.00"))
