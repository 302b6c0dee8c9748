"""`confirmRechargePayment`: the platform confirms a payment once per reference."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import LedgerEntry, LedgerTransaction, Recharge
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerKind
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.core.input_helpers import assert_malformed_input
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
    CONFIRM,
    NODE,
    allocatable,
    confirm_input,
    count,
    errors_of,
    order,
)

world = recharge_helpers.world  # a fixture shared with the other recharge tests


async def test_platform_confirmation_credits_allocatable(client, session, world):
    # given
    _partner, token, platform = world
    ordered = await order(client, token, amount="100.00")

    # when
    body = await gql(client, CONFIRM, confirm_input(ordered["id"]), token=platform)

    # then
    payload = body["data"]["confirmRechargePayment"]
    assert payload["userErrors"] == []
    assert payload["recharge"]["id"] == ordered["id"]
    assert payload["recharge"]["status"] == "CONFIRMED"
    assert payload["recharge"]["paymentReference"] == "pay-1"
    assert payload["recharge"]["paidAt"] == "2026-06-15T04:00:00Z"
    assert payload["recharge"]["remaining"] == {"amount": "100.00"}
    assert await allocatable(client, token) == "100.00"
    entries = (
        await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == LedgerKind.RECHARGE))
    ).all()
    assert sorted((e.account.value, e.amount) for e in entries) == [
        ("PARTNER_ALLOCATABLE", Decimal("100.00")),
        ("PLATFORM_EXTERNAL", Decimal("-100.00")),
    ]
    await assert_books_balance(session)


async def test_confirmation_keeps_the_given_payment_time(client, session, world):
    _partner, token, platform = world
    ordered = await order(client, token)

    body = await gql(
        client,
        CONFIRM,
        confirm_input(ordered["id"], paidAt="2026-06-14T23:30:00+08:00"),
        token=platform,
    )

    assert body["data"]["confirmRechargePayment"]["recharge"]["paidAt"] == "2026-06-14T15:30:00Z"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
async def test_partner_cannot_confirm_its_own_payment(client, session, world, role):
    # given
    partner, token, _ = world
    ordered = await order(client, token)
    user = await make_user(session, partner, role)

    # when
    body = await gql(
        client, CONFIRM, confirm_input(ordered["id"]), token=await token_for(session, user)
    )

    # then
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await allocatable(client, token) == "0.00"
    stored = await session.scalar(select(Recharge.status))
    assert stored.value == "PENDING"


async def test_customer_cannot_confirm_a_payment(client, session, world):
    partner, _, _ = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    token = await customer_token(session, referral)
    ordered = await order(client, token, customerId=global_id("Customer", referral.id), key="own")

    body = await gql(client, CONFIRM, confirm_input(ordered["id"]), token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(session, LedgerEntry) == 0


async def test_same_reference_again_credits_once(client, session, world):
    # given
    _partner, token, platform = world
    ordered = await order(client, token)
    first = await gql(client, CONFIRM, confirm_input(ordered["id"], key="a"), token=platform)

    # when: the channel calls back again with the same payment (a new idempotency key)
    again = await gql(client, CONFIRM, confirm_input(ordered["id"], key="b"), token=platform)

    # then
    assert again["data"]["confirmRechargePayment"]["userErrors"] == []
    assert (
        again["data"]["confirmRechargePayment"]["recharge"]
        == first["data"]["confirmRechargePayment"]["recharge"]
    )
    assert await allocatable(client, token) == "100.00"
    assert await count(session, LedgerTransaction) == 1
    await assert_books_balance(session)


async def test_confirmation_replay_by_key_credits_once(client, session, world):
    _partner, token, platform = world
    ordered = await order(client, token)
    first = await gql(client, CONFIRM, confirm_input(ordered["id"], key="a"), token=platform)

    again = await gql(client, CONFIRM, confirm_input(ordered["id"], key="a"), token=platform)

    assert (
        again["data"]["confirmRechargePayment"]["recharge"]["id"]
        == first["data"]["confirmRechargePayment"]["recharge"]["id"]
    )
    assert await allocatable(client, token) == "100.00"
    assert await count(session, LedgerTransaction) == 1


async def test_confirmed_recharge_with_another_reference(client, session, world):
    _partner, token, platform = world
    ordered = await order(client, token)
    await gql(client, CONFIRM, confirm_input(ordered["id"], "pay-1", key="a"), token=platform)

    body = await gql(
        client, CONFIRM, confirm_input(ordered["id"], "pay-2", key="b"), token=platform
    )

    assert errors_of(body, "confirmRechargePayment") == [("INVALID_STATE", ["input", "rechargeId"])]
    assert await allocatable(client, token) == "100.00"


async def test_reference_used_by_another_recharge(client, session, world):
    # given
    _partner, token, platform = world
    first = await order(client, token, key="o-1")
    second = await order(client, token, key="o-2")
    await gql(client, CONFIRM, confirm_input(first["id"], "pay-1", key="a"), token=platform)

    # when
    body = await gql(client, CONFIRM, confirm_input(second["id"], "pay-1", key="b"), token=platform)

    # then
    assert errors_of(body, "confirmRechargePayment") == [
        ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
    ]
    assert await allocatable(client, token) == "100.00"
    node = await gql(client, NODE, {"id": second["id"]}, token=token)
    assert node["data"]["node"]["status"] == "PENDING"
    await assert_books_balance(session)


async def test_reference_of_another_partners_recharge(client, session, world):
    _partner, token, platform = world
    other = await make_partner(session)
    await recharge(session, other, "100.00")  # confirmed with reference test-N
    taken = await session.scalar(select(Recharge.payment_reference))
    ordered = await order(client, token)

    body = await gql(client, CONFIRM, confirm_input(ordered["id"], taken), token=platform)

    assert errors_of(body, "confirmRechargePayment") == [
        ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
    ]
    assert await allocatable(client, token) == "0.00"


@pytest.mark.parametrize("paid", ["99.99", "100.01", "10.00"])
async def test_amount_mismatch(client, session, world, paid):
    # given
    _partner, token, platform = world
    ordered = await order(client, token, amount="100.00")

    # when
    body = await gql(client, CONFIRM, confirm_input(ordered["id"], amount=paid), token=platform)

    # then
    assert errors_of(body, "confirmRechargePayment") == [("AMOUNT_MISMATCH", ["input", "amount"])]
    assert await allocatable(client, token) == "0.00"
    node = await gql(client, NODE, {"id": ordered["id"]}, token=token)
    assert node["data"]["node"]["status"] == "PENDING"


async def test_amount_with_trailing_zeros_matches(client, session, world):
    _partner, token, platform = world
    ordered = await order(client, token, amount="100")

    body = await gql(client, CONFIRM, confirm_input(ordered["id"], amount="100.00"), token=platform)

    assert body["data"]["confirmRechargePayment"]["userErrors"] == []
    assert await allocatable(client, token) == "100.00"


async def test_unknown_recharge(client, session, world):
    partner, token, platform = world
    ordered = await order(client, token)
    customer = await make_customer(session, partner)

    for key, recharge_id in enumerate(
        [global_id("Recharge", 999_999), "bogus", global_id("Customer", customer.id)]
    ):
        body = await gql(
            client, CONFIRM, confirm_input(recharge_id, key=f"k-{key}"), token=platform
        )
        assert errors_of(body, "confirmRechargePayment") == [("NOT_FOUND", ["input", "rechargeId"])]
    node = await gql(client, NODE, {"id": ordered["id"]}, token=token)
    assert node["data"]["node"]["status"] == "PENDING"
    assert await count(session, LedgerEntry) == 0


@pytest.mark.parametrize("reference", ["", "   ", "x" * 65])
async def test_bad_payment_reference(client, session, world, reference):
    _partner, token, platform = world
    ordered = await order(client, token)

    body = await gql(client, CONFIRM, confirm_input(ordered["id"], reference), token=platform)

    assert errors_of(body, "confirmRechargePayment") == [
        ("INVALID_INPUT", ["input", "paymentReference"])
    ]
    assert await count(session, LedgerEntry) == 0


async def test_confirmation_with_a_bad_amount(client, session, world):
    _partner, token, platform = world
    ordered = await order(client, token)

    body = await gql(
        client, CONFIRM, confirm_input(ordered["id"], amount="100.001"), token=platform
    )

    assert_malformed_input(body, "$input", ".amount", "at most 2 decimals")
    assert await count(session, LedgerEntry) == 0


async def test_now_is_the_default_payment_time(client, session, world, frozen_clock):
    _partner, token, platform = world
    ordered = await order(client, token)
    frozen_clock.set(NOW + timedelta(hours=3))

    body = await gql(client, CONFIRM, confirm_input(ordered["id"]), token=platform)

    assert body["data"]["confirmRechargePayment"]["recharge"]["paidAt"] == "2026-06-15T07:00:00Z"
