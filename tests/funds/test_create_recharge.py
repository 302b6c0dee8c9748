"""`createRecharge`: partners order recharges, referral customers recharge themselves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import CustomerAccount, IdempotencyKey, LedgerEntry, LedgerTransaction, Recharge
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerKind
from app.models.partners.enums import Role
from app.services.funds import credit
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
from tests.funds.helpers import platform as platform_ctx
from tests.funds.recharge_helpers import (
    CONFIRM,
    CREATE,
    allocatable,
    confirm_input,
    count,
    create_input,
    errors_of,
)
from tests.rows import reread

world = recharge_helpers.world  # a fixture shared with the other recharge tests


CUSTOMER_BALANCE = """
query Customer($id: ID!) { customer(id: $id) { account { balance { amount } } } }
"""


CUSTOMER_POSITION = """
query Customer($id: ID!) {
  customer(id: $id) { account { balance { amount } arrears { amount } } }
}
"""


OWING = """
query { customers(filter: {hasArrears: true}, first: 100) { nodes { id } } }
"""


@pytest.mark.parametrize("channel", ["ALIPAY", "WECHAT", "UNIONPAY"])
async def test_finance_orders_an_online_recharge(client, session, world, channel):
    # given
    _partner, token, _ = world

    # when
    body = await gql(client, CREATE, create_input(channel, "1234.56"), token=token)

    # then
    payload = body["data"]["createRecharge"]
    assert payload["userErrors"] == []
    assert payload["recharge"]["channel"] == channel
    assert payload["recharge"]["status"] == "PENDING"
    assert payload["recharge"]["amount"] == {"amount": "1234.56", "currency": "CNY"}
    assert payload["recharge"]["paymentReference"] is None
    assert payload["recharge"]["paidAt"] is None
    assert payload["recharge"]["remaining"] == {"amount": "0.00"}
    assert payload["recharge"]["customer"] is None
    # no money has arrived yet
    assert await allocatable(client, token) == "0.00"
    assert await count(session, LedgerEntry) == 0
    await assert_books_balance(session)


async def test_admin_orders_a_recharge(client, session, world):
    partner, _, _ = world
    admin = await make_user(session, partner, Role.ADMIN)

    body = await gql(client, CREATE, create_input(), token=await token_for(session, admin))

    assert body["data"]["createRecharge"]["userErrors"] == []
    assert body["data"]["createRecharge"]["recharge"]["status"] == "PENDING"


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_funds_rights_cannot_order(client, session, world, role):
    # given
    partner, _, _ = world
    user = await make_user(session, partner, role)

    # when
    body = await gql(client, CREATE, create_input(), token=await token_for(session, user))

    # then
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


async def test_platform_cannot_order_a_partner_recharge(client, session, world):
    _, _, platform = world

    body = await gql(client, CREATE, create_input(), token=platform)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(session, Recharge) == 0


async def test_bank_transfer_needs_no_order(client, session, world):
    # given
    _, token, _ = world

    # when
    body = await gql(client, CREATE, create_input("BANK_TRANSFER"), token=token)

    # then
    assert errors_of(body, "createRecharge") == [("INVALID_INPUT", ["input", "channel"])]
    assert body["data"]["createRecharge"]["recharge"] is None
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


async def test_wechat_above_its_cap_is_limited(client, session, world):
    _, token, _ = world

    body = await gql(client, CREATE, create_input("WECHAT", "50000.01"), token=token)

    assert errors_of(body, "createRecharge") == [("AMOUNT_LIMITED", ["input", "amount"])]
    assert await count(session, Recharge) == 0


async def test_wechat_exactly_at_its_cap_is_accepted(client, session, world):
    _, token, _ = world

    body = await gql(client, CREATE, create_input("WECHAT", "50000.00"), token=token)

    assert body["data"]["createRecharge"]["userErrors"] == []
    assert body["data"]["createRecharge"]["recharge"]["amount"]["amount"] == "50000.00"


@pytest.mark.parametrize("channel", ["ALIPAY", "UNIONPAY"])
async def test_the_wechat_cap_does_not_apply_to_other_channels(client, session, world, channel):
    _, token, _ = world

    body = await gql(client, CREATE, create_input(channel, "50000.01"), token=token)

    assert body["data"]["createRecharge"]["userErrors"] == []


@pytest.mark.parametrize(
    ("channel", "amount", "currency", "code", "field"),
    [
        ("ALIPAY", "0", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("ALIPAY", "0.00", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("ALIPAY", "-10.00", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("ALIPAY", "10000000.01", "CNY", "AMOUNT_LIMITED", ["input", "amount"]),
        ("ALIPAY", "10.00", "USD", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
        ("ALIPAY", "10.00", "cny", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
    ],
)
async def test_bad_orders(client, session, world, channel, amount, currency, code, field):
    # given
    _, token, _ = world

    # when
    body = await gql(client, CREATE, create_input(channel, amount, currency=currency), token=token)

    # then
    assert errors_of(body, "createRecharge")[0] == (code, field)
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


@pytest.mark.parametrize(("channel", "amount"), [("ALIPAY", "10.001"), ("WECHAT", "0.005")])
async def test_amounts_with_more_than_two_decimals_are_malformed(
    client, session, world, channel, amount
):
    # given
    _, token, _ = world

    # when
    body = await gql(client, CREATE, create_input(channel, amount), token=token)

    # then
    assert_malformed_input(body, "$input", ".amount", "at most 2 decimals")
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


async def test_order_replay_returns_the_same_recharge(client, session, world):
    # given
    _, token, _ = world
    first = await gql(client, CREATE, create_input(key="same"), token=token)

    # when
    again = await gql(client, CREATE, create_input(key="same"), token=token)

    # then
    assert again["data"]["createRecharge"]["userErrors"] == []
    assert (
        again["data"]["createRecharge"]["recharge"]["id"]
        == first["data"]["createRecharge"]["recharge"]["id"]
    )
    assert await count(session, Recharge) == 1


async def test_order_key_reused_with_other_input(client, session, world):
    _, token, _ = world
    await gql(client, CREATE, create_input(key="same"), token=token)

    body = await gql(client, CREATE, create_input(amount="200.00", key="same"), token=token)

    assert errors_of(body, "createRecharge") == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await count(session, Recharge) == 1


async def test_referral_customer_recharges_itself(client, session, world):
    # given
    partner, partner_token, platform = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    token = await customer_token(session, referral)
    customer_id = global_id("Customer", referral.id)

    # when
    created = await gql(client, CREATE, create_input(customerId=customer_id), token=token)
    ordered = created["data"]["createRecharge"]["recharge"]
    confirmed = await gql(client, CONFIRM, confirm_input(ordered["id"]), token=platform)

    # then
    assert created["data"]["createRecharge"]["userErrors"] == []
    assert ordered["customer"] == {"id": customer_id}
    assert ordered["status"] == "PENDING"
    payload = confirmed["data"]["confirmRechargePayment"]
    assert payload["userErrors"] == []
    assert payload["recharge"]["status"] == "CONFIRMED"
    assert payload["recharge"]["customer"] == {"id": customer_id}
    balance = await gql(client, CUSTOMER_BALANCE, {"id": customer_id}, token=partner_token)
    assert balance["data"]["customer"]["account"]["balance"]["amount"] == "100.00"
    own_view = await gql(client, CUSTOMER_BALANCE, {"id": customer_id}, token=token)
    assert own_view["data"]["customer"]["account"]["balance"]["amount"] == "100.00"
    # the partner's cash is untouched
    assert await allocatable(client, partner_token) == "0.00"
    kinds = (await session.scalars(select(LedgerTransaction.kind))).all()
    assert kinds == [LedgerKind.CUSTOMER_RECHARGE]
    await assert_books_balance(session)


async def test_referral_customer_recharge_adds_to_its_balance(client, session, world):
    partner, partner_token, platform = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    await recharge(session, partner, "40.00", customer=referral)
    token = await customer_token(session, referral)
    customer_id = global_id("Customer", referral.id)

    created = await gql(
        client, CREATE, create_input("WECHAT", "60.50", customerId=customer_id), token=token
    )
    recharge_id = created["data"]["createRecharge"]["recharge"]["id"]
    await gql(client, CONFIRM, confirm_input(recharge_id, amount="60.50"), token=platform)

    balance = await gql(client, CUSTOMER_BALANCE, {"id": customer_id}, token=partner_token)
    assert balance["data"]["customer"]["account"]["balance"]["amount"] == "100.50"
    await assert_books_balance(session)


async def test_referral_recharge_repays_what_it_owes(client, session, world):
    # given: a REFERRAL customer charged beyond its cash
    partner, partner_token, platform = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    await credit.charge(platform_ctx(session), referral, Decimal("30.00"), reference="usage")
    customer_id = global_id("Customer", referral.id)
    owing = await gql(client, OWING, token=partner_token)
    token = await customer_token(session, referral)

    # when
    created = await gql(
        client, CREATE, create_input(amount="30.00", customerId=customer_id), token=token
    )
    recharge_id = created["data"]["createRecharge"]["recharge"]["id"]
    await gql(client, CONFIRM, confirm_input(recharge_id, amount="30.00"), token=platform)

    # then
    assert [n["id"] for n in owing["data"]["customers"]["nodes"]] == [customer_id]
    body = await gql(client, CUSTOMER_POSITION, {"id": customer_id}, token=partner_token)
    assert body["data"]["customer"]["account"] == {
        "balance": {"amount": "0.00"},
        "arrears": {"amount": "0.00"},
    }
    assert (await gql(client, OWING, token=partner_token))["data"]["customers"]["nodes"] == []
    stored = await reread(session, CustomerAccount, referral.id)
    assert stored.arrears_since is None
    await assert_books_balance(session)


async def test_reseller_customer_does_not_recharge_itself(client, session, world):
    # given
    partner, _, _ = world
    reseller = await make_customer(session, partner, association_type=AssociationType.RESELLER)

    # when
    body = await gql(
        client,
        CREATE,
        create_input(customerId=global_id("Customer", reseller.id)),
        token=await customer_token(session, reseller),
    )

    # then
    assert errors_of(body, "createRecharge") == [("RESELLER_MODE", ["input", "customerId"])]
    assert await count(session, Recharge) == 0


async def test_customer_cannot_recharge_someone_elses_association(client, session, world):
    # given
    partner, _, _ = world
    mine = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    theirs = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    other_partner = await make_partner(session)
    foreign = await make_customer(session, other_partner, association_type=AssociationType.REFERRAL)
    token = await customer_token(session, mine)

    for target in (theirs, foreign):
        # when
        body = await gql(
            client,
            CREATE,
            create_input(customerId=global_id("Customer", target.id), key=f"k-{target.id}"),
            token=token,
        )

        # then
        assert errors_of(body, "createRecharge") == [("NOT_FOUND", ["input", "customerId"])]
    assert await count(session, Recharge) == 0


@pytest.mark.parametrize("customer_id", [None, "bogus"])
async def test_customer_must_name_its_association(client, session, world, customer_id):
    partner, _, _ = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    extra = {} if customer_id is None else {"customerId": customer_id}

    body = await gql(
        client, CREATE, create_input(**extra), token=await customer_token(session, referral)
    )

    assert errors_of(body, "createRecharge") == [("NOT_FOUND", ["input", "customerId"])]


async def test_ended_referral_association_cannot_recharge(client, session, world, frozen_clock):
    partner, _, _ = world
    former = await make_customer(
        session,
        partner,
        association_type=AssociationType.REFERRAL,
        ended_at=frozen_clock.now() - timedelta(days=1),
    )

    body = await gql(
        client,
        CREATE,
        create_input(customerId=global_id("Customer", former.id)),
        token=await customer_token(session, former),
    )

    assert errors_of(body, "createRecharge") == [("NOT_FOUND", ["input", "customerId"])]
