"""Recharges: online orders, the platform's payment confirmation, bank transfers, the list."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import CustomerAccount, IdempotencyKey, LedgerEntry, LedgerTransaction, Recharge
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerKind, RechargeChannel
from app.models.partners.enums import Role
from app.services.funds import credit
from tests.conftest import NOW
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.helpers import platform as platform_ctx

CREATE = """
mutation Create($input: CreateRechargeInput!) {
  createRecharge(input: $input) {
    recharge {
      id channel status amount { amount currency } paymentReference paidAt
      remaining { amount } customer { id }
    }
    userErrors { code field message }
  }
}
"""
CONFIRM = """
mutation Confirm($input: ConfirmRechargePaymentInput!) {
  confirmRechargePayment(input: $input) {
    recharge {
      id channel status amount { amount } paymentReference paidAt remaining { amount }
      customer { id }
    }
    userErrors { code field message }
  }
}
"""
BANK_TRANSFER = """
mutation Transfer($input: RecordBankTransferInput!) {
  recordBankTransfer(input: $input) {
    recharge { id channel status amount { amount } paymentReference paidAt remaining { amount } }
    userErrors { code field message }
  }
}
"""
RECHARGES = """
query Recharges($filter: RechargeFilter) {
  recharges(filter: $filter, first: 100) {
    totalCount
    nodes { id channel status amount { amount } customer { id } }
  }
}
"""
ACCOUNT = """
query { viewer { partner { account { balance { amount } allocatable { amount } } } } }
"""
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
NODE = """
query Node($id: ID!) { node(id: $id) { id ... on Recharge { status } } }
"""


@pytest.fixture
async def world(session):
    partner = await make_partner(session)
    finance = await make_user(session, partner, Role.FINANCE)
    return partner, await token_for(session, finance), await platform_token(session)


def create_input(channel="ALIPAY", amount="100.00", key="c-1", **extra):
    return {"input": {"channel": channel, "amount": amount, "idempotencyKey": key, **extra}}


def confirm_input(recharge_id, reference="pay-1", amount="100.00", key="p-1", **extra):
    return {
        "input": {
            "rechargeId": recharge_id,
            "paymentReference": reference,
            "amount": amount,
            "idempotencyKey": key,
            **extra,
        }
    }


def transfer_input(partner, reference="bank-1", amount="500.00", key="t-1", **extra):
    return {
        "input": {
            "remittanceAccount": partner.remittance_account_number,
            "paymentReference": reference,
            "amount": amount,
            "idempotencyKey": key,
            **extra,
        }
    }


def errors_of(body, field):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


async def allocatable(client, token) -> str:
    body = await gql(client, ACCOUNT, token=token)
    return body["data"]["viewer"]["partner"]["account"]["allocatable"]["amount"]


async def count(session, model, *conditions) -> int:
    return await session.scalar(select(func.count()).select_from(model).where(*conditions))


async def order(client, token, **kwargs) -> dict:
    body = await gql(client, CREATE, create_input(**kwargs), token=token)
    payload = body["data"]["createRecharge"]
    assert payload["userErrors"] == []
    return payload["recharge"]


# --- createRecharge -------------------------------------------------------------------------


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
        ("ALIPAY", "10.001", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("WECHAT", "0.005", "CNY", "INVALID_INPUT", ["input", "amount"]),
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


# --- a REFERRAL customer recharging itself --------------------------------------------------


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
    stored = await session.get(CustomerAccount, referral.id, populate_existing=True)
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


# --- confirmRechargePayment -----------------------------------------------------------------


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

    assert errors_of(body, "confirmRechargePayment") == [("INVALID_INPUT", ["input", "amount"])]
    assert await count(session, LedgerEntry) == 0


# --- recordBankTransfer ---------------------------------------------------------------------


async def test_bank_transfer_credits_the_partner(client, session, world):
    # given
    partner, token, platform = world

    # when
    body = await gql(
        client, BANK_TRANSFER, transfer_input(partner, amount="500.00"), token=platform
    )

    # then
    payload = body["data"]["recordBankTransfer"]
    assert payload["userErrors"] == []
    assert payload["recharge"]["channel"] == "BANK_TRANSFER"
    assert payload["recharge"]["status"] == "CONFIRMED"
    assert payload["recharge"]["amount"] == {"amount": "500.00"}
    assert payload["recharge"]["paymentReference"] == "bank-1"
    assert payload["recharge"]["paidAt"] == "2026-06-15T04:00:00Z"
    assert payload["recharge"]["remaining"] == {"amount": "500.00"}
    assert await allocatable(client, token) == "500.00"
    listed = await gql(client, RECHARGES, token=token)
    assert [n["id"] for n in listed["data"]["recharges"]["nodes"]] == [payload["recharge"]["id"]]
    await assert_books_balance(session)


async def test_bank_transfer_to_an_unknown_account(client, session, world):
    partner, _token, platform = world
    variables = transfer_input(partner)
    variables["input"]["remittanceAccount"] = "NO-SUCH-ACCOUNT"

    body = await gql(client, BANK_TRANSFER, variables, token=platform)

    assert errors_of(body, "recordBankTransfer") == [("NOT_FOUND", ["input", "remittanceAccount"])]
    assert await count(session, Recharge) == 0
    assert await count(session, LedgerEntry) == 0


async def test_bank_transfer_is_recorded_once_per_bank_reference(client, session, world):
    # given
    partner, token, platform = world
    first = await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)

    # when: the same transfer is reported again under another idempotency key
    again = await gql(client, BANK_TRANSFER, transfer_input(partner, key="b"), token=platform)

    # then
    assert again["data"]["recordBankTransfer"]["userErrors"] == []
    assert (
        again["data"]["recordBankTransfer"]["recharge"]["id"]
        == first["data"]["recordBankTransfer"]["recharge"]["id"]
    )
    assert await allocatable(client, token) == "500.00"
    assert await count(session, Recharge) == 1
    assert await count(session, LedgerTransaction) == 1
    await assert_books_balance(session)


async def test_bank_transfer_replay_by_key(client, session, world):
    partner, token, platform = world
    first = await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)

    again = await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)
    reused = await gql(
        client, BANK_TRANSFER, transfer_input(partner, "bank-2", key="a"), token=platform
    )

    assert (
        again["data"]["recordBankTransfer"]["recharge"]["id"]
        == first["data"]["recordBankTransfer"]["recharge"]["id"]
    )
    assert errors_of(reused, "recordBankTransfer") == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await allocatable(client, token) == "500.00"


async def test_bank_reference_with_another_amount_or_partner(client, session, world):
    # given
    partner, token, platform = world
    other = await make_partner(session)
    await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)

    # when
    other_amount = await gql(
        client, BANK_TRANSFER, transfer_input(partner, amount="500.01", key="b"), token=platform
    )
    other_partner = await gql(client, BANK_TRANSFER, transfer_input(other, key="c"), token=platform)

    # then
    for body in (other_amount, other_partner):
        assert errors_of(body, "recordBankTransfer") == [
            ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
        ]
    assert await allocatable(client, token) == "500.00"
    assert await count(session, Recharge) == 1
    await assert_books_balance(session)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
async def test_partner_cannot_record_a_bank_transfer(client, session, world, role):
    partner, token, _ = world
    user = await make_user(session, partner, role)

    body = await gql(
        client, BANK_TRANSFER, transfer_input(partner), token=await token_for(session, user)
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await allocatable(client, token) == "0.00"
    assert await count(session, Recharge) == 0


@pytest.mark.parametrize(
    ("amount", "currency", "reference", "code", "field"),
    [
        ("0", "CNY", "b", "INVALID_INPUT", ["input", "amount"]),
        ("-1.00", "CNY", "b", "INVALID_INPUT", ["input", "amount"]),
        ("1.001", "CNY", "b", "INVALID_INPUT", ["input", "amount"]),
        ("10000000.01", "CNY", "b", "AMOUNT_LIMITED", ["input", "amount"]),
        ("1.00", "USD", "b", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
        ("1.00", "CNY", " ", "INVALID_INPUT", ["input", "paymentReference"]),
    ],
)
async def test_bad_bank_transfers(client, session, world, amount, currency, reference, code, field):
    partner, _token, platform = world

    body = await gql(
        client,
        BANK_TRANSFER,
        transfer_input(partner, reference, amount, currency=currency),
        token=platform,
    )

    assert errors_of(body, "recordBankTransfer")[0] == (code, field)
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


async def test_large_wechat_sized_bank_transfer_is_fine(client, session, world):
    partner, token, platform = world

    body = await gql(
        client, BANK_TRANSFER, transfer_input(partner, amount="9999999.99"), token=platform
    )

    assert body["data"]["recordBankTransfer"]["userErrors"] == []
    assert await allocatable(client, token) == "9999999.99"
    await assert_books_balance(session)


# --- the recharges query --------------------------------------------------------------------


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


async def test_now_is_the_default_payment_time(client, session, world, frozen_clock):
    _partner, token, platform = world
    ordered = await order(client, token)
    frozen_clock.set(NOW + timedelta(hours=3))

    body = await gql(client, CONFIRM, confirm_input(ordered["id"]), token=platform)

    assert body["data"]["confirmRechargePayment"]["recharge"]["paidAt"] == "2026-06-15T07:00:00Z"
