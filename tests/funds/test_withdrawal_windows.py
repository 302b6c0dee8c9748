"""Original-route windows at their boundaries, and what `withdrawable` splits by route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models.funds.enums import RechargeChannel
from app.models.partners.enums import ContractingEntity
from tests.factories import (
    global_id,
    gql,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    ALIPAY,
    BANK,
    HUAWEI,
    NOW_PLUS_3_MONTHS,
    RECHARGE,
    REQUEST,
    WECHAT,
    account,
    errors_of,
    original_route,
    request_input,
    windowed_world,
)

OTHER = ContractingEntity.OTHER


UNIONPAY = RechargeChannel.UNIONPAY


NOW_PLUS_11_MONTHS = datetime(2027, 5, 15, 4, 0, tzinfo=UTC)


BOUNDED = [
    (HUAWEI, ALIPAY, NOW_PLUS_3_MONTHS),
    (OTHER, ALIPAY, NOW_PLUS_11_MONTHS),
    (OTHER, WECHAT, NOW_PLUS_11_MONTHS),
    (OTHER, UNIONPAY, NOW_PLUS_3_MONTHS),
]


FREE = [(HUAWEI, WECHAT), (HUAWEI, UNIONPAY), (OTHER, BANK)]


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
