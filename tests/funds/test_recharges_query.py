"""Reading recharges: who sees which, filters, amounts across channels."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.customers.enums import AssociationType
from app.models.funds.enums import RechargeChannel
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds import recharge_helpers
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.recharge_helpers import (
    BANK_TRANSFER,
    CONFIRM,
    NODE,
    RECHARGES,
    allocatable,
    confirm_input,
    order,
    transfer_input,
)

world = recharge_helpers.world  # a fixture shared with the other recharge tests


async def test_partner_sees_only_its_own_recharges(client, session, world):
    # given
    partner, token, platform = world
    mine = await recharge(session, partner, "10.00")
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    my_customers = await recharge(session, partner, "5.00", customer=referral)
    other = await make_partner(session)
    other_referral = await make_customer(session, other, association_type=AssociationType.REFERRAL)
    theirs = [
        await recharge(session, other, "20.00"),
        await recharge(session, other, "7.00", customer=other_referral),
    ]
    pending = await order(client, token, amount="3.00")

    # when
    body = await gql(client, RECHARGES, token=token)
    partner_only = await gql(client, RECHARGES, {"filter": {"partnerOnly": True}}, token=token)
    foreign_node = await gql(client, NODE, {"id": global_id("Recharge", theirs[0].id)}, token=token)

    # then
    ids = {n["id"] for n in body["data"]["recharges"]["nodes"]}
    assert ids == {
        global_id("Recharge", mine.id),
        global_id("Recharge", my_customers.id),
        pending["id"],
    }
    assert body["data"]["recharges"]["totalCount"] == 3
    assert {n["id"] for n in partner_only["data"]["recharges"]["nodes"]} == {
        global_id("Recharge", mine.id),
        pending["id"],
    }
    assert foreign_node["data"]["node"] is None
    # the platform sees across partners
    everything = await gql(client, RECHARGES, token=platform)
    assert everything["data"]["recharges"]["totalCount"] == 5


async def test_recharges_newest_first_and_filtered(client, session, world, frozen_clock):
    partner, token, _ = world
    older = await recharge(session, partner, "10.00", channel=RechargeChannel.ALIPAY)
    frozen_clock.advance(timedelta(minutes=1))
    newer = await recharge(session, partner, "20.00", channel=RechargeChannel.BANK_TRANSFER)
    frozen_clock.advance(timedelta(minutes=1))
    pending = await order(client, token, channel="WECHAT", amount="30.00")

    everything = await gql(client, RECHARGES, token=token)
    confirmed = await gql(client, RECHARGES, {"filter": {"statuses": ["CONFIRMED"]}}, token=token)
    by_channel = await gql(
        client, RECHARGES, {"filter": {"channels": ["BANK_TRANSFER", "WECHAT"]}}, token=token
    )

    assert [n["id"] for n in everything["data"]["recharges"]["nodes"]] == [
        pending["id"],
        global_id("Recharge", newer.id),
        global_id("Recharge", older.id),
    ]
    assert [n["id"] for n in confirmed["data"]["recharges"]["nodes"]] == [
        global_id("Recharge", newer.id),
        global_id("Recharge", older.id),
    ]
    assert [n["id"] for n in by_channel["data"]["recharges"]["nodes"]] == [
        pending["id"],
        global_id("Recharge", newer.id),
    ]


@pytest.mark.parametrize("sees_all_customers", [False, True])
async def test_sales_never_sees_the_partners_own_recharges(
    client, session, world, sees_all_customers
):
    # The partner's recharges, and what is left of each (`remaining` sums to the allocatable
    # balance), are the partner's money, which `Partner.account` and `statement` refuse to
    # SALES. Refusing the whole list (FORBIDDEN) or leaving them out would both do.
    partner, _, _ = world
    partner.sales_see_all_customers = sees_all_customers
    await session.flush()
    own = {global_id("Recharge", (await recharge(session, partner, "1000.00")).id)}
    sales = await token_for(session, await make_user(session, partner, Role.SALES))

    body = await gql(client, RECHARGES, token=sales)

    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    else:
        seen = {n["id"] for n in body["data"]["recharges"]["nodes"]}
        assert own.isdisjoint(seen), "SALES sees the partner's own recharges"


async def test_customer_principal_sees_only_its_own_recharges(client, session, world):
    # given
    partner, _, _ = world
    me = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    neighbour = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    mine = await recharge(session, partner, "5.00", customer=me)
    await recharge(session, partner, "6.00", customer=neighbour)
    await recharge(session, partner, "100.00")
    token = await customer_token(session, me)

    # when
    body = await gql(client, RECHARGES, token=token)
    neighbours = await gql(
        client,
        RECHARGES,
        {"filter": {"customerId": global_id("Customer", neighbour.id)}},
        token=token,
    )

    # then
    assert [n["id"] for n in body["data"]["recharges"]["nodes"]] == [global_id("Recharge", mine.id)]
    assert body["data"]["recharges"]["totalCount"] == 1
    assert neighbours["data"]["recharges"]["nodes"] == []


async def test_confirmed_amounts_add_up_across_channels(client, session, world):
    # given
    partner, token, platform = world
    for n, (channel, amount) in enumerate(
        [("ALIPAY", "100.10"), ("WECHAT", "50000.00"), ("UNIONPAY", "0.01")]
    ):
        ordered = await order(client, token, channel=channel, amount=amount, key=f"o-{n}")
        confirmed = await gql(
            client,
            CONFIRM,
            confirm_input(ordered["id"], f"pay-{n}", amount, key=f"p-{n}"),
            token=platform,
        )
        assert confirmed["data"]["confirmRechargePayment"]["userErrors"] == []
    await gql(client, BANK_TRANSFER, transfer_input(partner, amount="0.99"), token=platform)

    # then
    assert await allocatable(client, token) == "50101.10"
    await assert_books_balance(session)
