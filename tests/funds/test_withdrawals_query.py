"""Reading the withdrawals: who sees them."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import (
    gql,
    make_user,
    token_for,
)
from tests.funds.helpers import recharge
from tests.funds.withdrawal_helpers import BANK, WITHDRAWALS, request_input, requested


async def test_viewer_reads_the_withdrawals(client, session, world):
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="300.00"))
    viewer = await token_for(session, await make_user(session, partner, Role.VIEWER))

    body = await gql(client, WITHDRAWALS, token=viewer)

    assert [n["id"] for n in body["data"]["withdrawals"]["nodes"]] == [withdrawal["id"]]


@pytest.mark.parametrize("sees_all_customers", [False, True])
async def test_sales_cannot_read_the_withdrawals(client, session, world, sees_all_customers):
    # Withdrawals are the partner's money, like `Partner.account` and `statement`, which
    # answer FORBIDDEN to SALES (READ_FUNDS: ADMIN, FINANCE, VIEWER).
    partner, token, _ = world
    partner.sales_see_all_customers = sees_all_customers
    await session.flush()
    await recharge(session, partner, "1000.00", channel=BANK)
    await requested(client, token, request_input(amount="300.00"))
    sales = await token_for(session, await make_user(session, partner, Role.SALES))

    body = await gql(client, WITHDRAWALS, token=sales)

    assert body.get("errors"), body
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
