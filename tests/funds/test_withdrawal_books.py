"""A month of withdrawals by every route keeps the books balanced."""

from __future__ import annotations

from tests.factories import (
    platform_token,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    ALIPAY,
    BANK,
    HUAWEI,
    MARK_PAID,
    NOW_PLUS_3_MONTHS,
    REJECT,
    WECHAT,
    account,
    approve,
    original_route,
    remaining,
    request_input,
    requested,
    review,
    windowed_world,
)


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
