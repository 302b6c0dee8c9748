"""`rejectWithdrawal`: rejection releases the held money back to the recharges drawn."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.factories import (
    gql,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    ALIPAY,
    BANK,
    REJECT,
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
