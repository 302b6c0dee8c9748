"""`approveCustomerWithdrawal`: the platform approves a submitted customer withdrawal; the
cash stays held until it is paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import customer_token, global_id, gql, make_user, token_for
from tests.funds import customer_withdrawal_helpers
from tests.funds.customer_withdrawal_helpers import (
    APPROVE,
    REJECT,
    audits,
    cash,
    errors_of,
    requested,
    review_input,
)
from tests.funds.helpers import assert_books_balance

world = customer_withdrawal_helpers.world

D = Decimal


def approve_input(withdrawal_id):
    return {"input": {"customerWithdrawalId": withdrawal_id}}


async def test_the_platform_approves(client, session, world, frozen_clock):
    # given
    withdrawal = await requested(client, world, "100.00")

    # when
    body = await gql(client, APPROVE, approve_input(withdrawal["id"]), token=world.platform)

    # then
    payload = body["data"]["approveCustomerWithdrawal"]
    assert payload["userErrors"] == []
    assert payload["customerWithdrawal"]["status"] == "APPROVED"
    assert payload["customerWithdrawal"]["reviewedAt"] == NOW.isoformat().replace("+00:00", "Z")
    assert payload["customerWithdrawal"]["paidAt"] is None
    assert await cash(session, world.customer) == (D("0.00"), D("200.00"), D("100.00"))
    assert await audits(session, "funds.approve_customer_withdrawal") == 1
    await assert_books_balance(session)


@pytest.mark.parametrize("state", ["APPROVED", "REJECTED"])
async def test_only_a_submitted_one_is_approved(client, session, world, state):
    withdrawal = await requested(client, world)
    if state == "APPROVED":
        await gql(client, APPROVE, approve_input(withdrawal["id"]), token=world.platform)
    else:
        await gql(client, REJECT, review_input(withdrawal["id"], reason="no"), token=world.platform)

    body = await gql(client, APPROVE, approve_input(withdrawal["id"]), token=world.platform)

    assert errors_of(body, "approveCustomerWithdrawal") == [
        ("INVALID_STATE", ["input", "customerWithdrawalId"])
    ]


@pytest.mark.parametrize("bad", ["missing", "other-type", "malformed"])
async def test_an_unknown_withdrawal(client, session, world, bad):
    withdrawal_id = {
        "missing": global_id("CustomerWithdrawal", 999_999),
        "other-type": global_id("Withdrawal", 1),
        "malformed": "%%%",
    }[bad]

    body = await gql(client, APPROVE, approve_input(withdrawal_id), token=world.platform)

    assert errors_of(body, "approveCustomerWithdrawal") == [
        ("NOT_FOUND", ["input", "customerWithdrawalId"])
    ]


@pytest.mark.parametrize("who", ["ADMIN", "FINANCE", "CUSTOMER"])
async def test_only_the_platform_reviews(client, session, world, who):
    withdrawal = await requested(client, world)
    token = (
        await customer_token(session, world.customer)
        if who == "CUSTOMER"
        else await token_for(session, await make_user(session, world.partner, Role(who)))
    )

    body = await gql(client, APPROVE, approve_input(withdrawal["id"]), token=token)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await audits(session, "funds.approve_customer_withdrawal") == 0
