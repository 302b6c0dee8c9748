"""`rejectCustomerWithdrawal`: the platform refuses a customer withdrawal with a reason; the
held cash is frozen own cash again."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.models import IdempotencyKey
from tests.factories import customer_token, global_id, gql
from tests.funds import customer_withdrawal_helpers
from tests.funds.customer_withdrawal_helpers import (
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
from tests.funds.recharge_helpers import count

world = customer_withdrawal_helpers.world

D = Decimal


@pytest.mark.parametrize("state", ["SUBMITTED", "APPROVED"])
async def test_a_rejection_freezes_the_cash_again(client, session, world, state):
    # given
    withdrawal = (
        await requested(client, world, "120.00")
        if state == "SUBMITTED"
        else await approved(client, world, "120.00")
    )

    # when
    body = await gql(
        client,
        REJECT,
        review_input(withdrawal["id"], reason="payee unverified"),
        token=world.platform,
    )

    # then
    payload = body["data"]["rejectCustomerWithdrawal"]
    assert payload["userErrors"] == []
    assert payload["customerWithdrawal"]["status"] == "REJECTED"
    assert payload["customerWithdrawal"]["rejectReason"] == "payee unverified"
    assert await cash(session, world.customer) == (D("0.00"), D("300.00"), D("0.00"))
    assert await entries(session, "OWN_CASH_RELEASED") == [
        ("CUSTOMER_CASH_HELD", D("-120.00")),
        ("CUSTOMER_FROZEN_CASH", D("120.00")),
    ]
    assert await audits(session, "funds.reject_customer_withdrawal") == 1
    await assert_books_balance(session)


async def test_the_released_cash_can_be_asked_for_again(client, session, world):
    withdrawal = await requested(client, world, "300.00")
    await gql(client, REJECT, review_input(withdrawal["id"], reason="no"), token=world.platform)

    again = await requested(client, world, "300.00")

    assert again["status"] == "SUBMITTED"
    assert await cash(session, world.customer) == (D("0.00"), D("0.00"), D("300.00"))


@pytest.mark.parametrize("state", ["PAID", "REJECTED"])
async def test_a_decided_one_is_not_rejected(client, session, world, state):
    withdrawal = await approved(client, world, "100.00")
    if state == "PAID":
        await gql(client, MARK_PAID, review_input(withdrawal["id"]), token=world.platform)
    else:
        await gql(client, REJECT, review_input(withdrawal["id"], reason="no"), token=world.platform)

    body = await gql(
        client, REJECT, review_input(withdrawal["id"], reason="again"), token=world.platform
    )

    assert errors_of(body, "rejectCustomerWithdrawal") == [
        ("INVALID_STATE", ["input", "customerWithdrawalId"])
    ]
    held = D("0.00")
    frozen = D("200.00") if state == "PAID" else D("300.00")
    assert await cash(session, world.customer) == (D("0.00"), frozen, held)
    await assert_books_balance(session)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
async def test_a_rejection_needs_a_reason(client, session, world, reason):
    withdrawal = await requested(client, world)

    body = await gql(
        client, REJECT, review_input(withdrawal["id"], reason=reason), token=world.platform
    )

    assert errors_of(body, "rejectCustomerWithdrawal") == [("INVALID_INPUT", ["input", "reason"])]
    assert await count(session, IdempotencyKey) == 1  # only the request's own key
    assert await cash(session, world.customer) == (D("0.00"), D("200.00"), D("100.00"))


async def test_an_unknown_withdrawal(client, session, world):
    body = await gql(
        client,
        REJECT,
        review_input(global_id("CustomerWithdrawal", 999_999), reason="no"),
        token=world.platform,
    )

    assert errors_of(body, "rejectCustomerWithdrawal") == [
        ("NOT_FOUND", ["input", "customerWithdrawalId"])
    ]


async def test_a_retry_replays_the_rejection(client, session, world):
    withdrawal = await requested(client, world, "100.00")
    variables = review_input(withdrawal["id"], key="rej", reason="no")
    first = await gql(client, REJECT, variables, token=world.platform)

    again = await gql(client, REJECT, variables, token=world.platform)

    assert again["data"] == first["data"]
    assert await cash(session, world.customer) == (D("0.00"), D("300.00"), D("0.00"))
    assert len(await entries(session, "OWN_CASH_RELEASED")) == 2  # one transaction


async def test_the_customer_may_not_reject(client, session, world):
    withdrawal = await requested(client, world)

    body = await gql(
        client,
        REJECT,
        review_input(withdrawal["id"], reason="changed my mind"),
        token=await customer_token(session, world.customer),
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
