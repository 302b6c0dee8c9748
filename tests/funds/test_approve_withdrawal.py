"""`approveWithdrawal`: the platform's review of a submitted withdrawal; who may review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_user,
    token_for,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    APPROVE,
    BANK,
    MARK_PAID,
    REJECT,
    WITHDRAWAL,
    WITHDRAWALS,
    account,
    approve,
    in_state,
    request_input,
    requested,
    review_input,
)


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
