"""`markWithdrawalPaid`: paying an approved withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import LedgerTransaction
from app.models.funds.enums import LedgerKind
from tests.factories import (
    gql,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    ALIPAY,
    BANK,
    MARK_PAID,
    WITHDRAWAL,
    account,
    approve,
    in_state,
    original_route,
    remaining,
    request_input,
    requested,
    review,
)


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
