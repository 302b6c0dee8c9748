"""Money and the association lifecycle: arrears block changes, leaving retrieves the balance,
a switch to REFERRAL needs the balance retrieved, a switch to RESELLER sets own cash aside."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Adjustment, CustomerAccount
from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind, RechargeChannel
from app.models.partners.enums import Role
from app.services.funds import credit
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import acting_as, assert_books_balance, platform, recharge
from tests.rows import reread

ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) { userErrors { code } }
}
"""
DISASSOCIATE = """
mutation($id: ID!) {
  requestDisassociation(input: {customerId: $id, reason: "moving on"}) {
    request { id }
    userErrors { code message }
  }
}
"""
SWITCH = """
mutation($id: ID!, $to: AssociationType!) {
  requestAssociationTypeSwitch(input: {customerId: $id, associationType: $to}) {
    request { id }
    userErrors { code message }
  }
}
"""
CONFIRM = """
mutation($id: ID!) {
  confirmAssociationChange(input: {id: $id}) {
    request { status customer { associationType endedAt account { balance { amount }
      frozenOwnCash { amount } creditLimit { amount } } } }
    userErrors { code message }
  }
}
"""
PARTNER_ALLOCATABLE = "{ viewer { partner { account { allocatable { amount } } } } }"


@pytest.fixture
async def world(session):
    partner = await make_partner(session)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    await recharge(session, partner, "1000.00")
    return partner, admin


async def allocate(client, token, customer, amount: str) -> None:
    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": amount,
                "idempotencyKey": f"alloc-{customer.id}-{amount}",
            }
        },
        token=token,
    )
    assert body["data"]["adjustCustomerFunds"]["userErrors"] == []


async def start(client, token, document, **variables) -> dict:
    body = await gql(client, document, variables, token=token)
    return next(iter(body["data"].values()))


async def test_disassociation_retrieves_the_remaining_balance(client, session, world):
    # given a RESELLER customer holding 300.00 of the partner's money
    partner, admin = world
    customer = await make_customer(session, partner)
    await allocate(client, admin, customer, "300.00")
    request = await start(client, admin, DISASSOCIATE, id=global_id("Customer", customer.id))
    assert request["userErrors"] == []

    # when the customer confirms
    body = await gql(
        client,
        CONFIRM,
        {"id": request["request"]["id"]},
        token=await customer_token(session, customer),
    )

    # then the association ended and the money went back (UNBIND_RETRIEVE)
    payload = body["data"]["confirmAssociationChange"]
    assert payload["userErrors"] == []
    assert payload["request"]["customer"]["endedAt"] is not None
    assert payload["request"]["customer"]["account"]["balance"]["amount"] == "0.00"
    unbind = await session.scalar(
        select(Adjustment).where(Adjustment.kind == AdjustmentKind.UNBIND_RETRIEVE)
    )
    assert unbind is not None and unbind.amount == Decimal("300.00")
    partner_money = await gql(client, PARTNER_ALLOCATABLE, token=admin)
    assert partner_money["data"]["viewer"]["partner"]["account"]["allocatable"]["amount"] == (
        "1000.00"
    )
    await assert_books_balance(session)


async def test_arrears_block_a_disassociation(client, session, world):
    partner, admin = world
    customer = await make_customer(session, partner)
    await credit.charge(platform(session), customer, Decimal("12.00"), reference="usage")

    request = await start(client, admin, DISASSOCIATE, id=global_id("Customer", customer.id))

    assert [e["code"] for e in request["userErrors"]] == ["ARREARS"]


async def test_arrears_block_the_confirmation_too(client, session, world):
    partner, admin = world
    customer = await make_customer(session, partner)
    request = await start(client, admin, DISASSOCIATE, id=global_id("Customer", customer.id))
    await credit.charge(platform(session), customer, Decimal("12.00"), reference="usage")

    body = await gql(
        client,
        CONFIRM,
        {"id": request["request"]["id"]},
        token=await customer_token(session, customer),
    )

    assert [e["code"] for e in body["data"]["confirmAssociationChange"]["userErrors"]] == [
        "ARREARS"
    ]


async def test_switch_to_referral_needs_the_balance_retrieved(client, session, world):
    partner, admin = world
    customer = await make_customer(session, partner)
    await allocate(client, admin, customer, "50.00")

    refused = await start(
        client, admin, SWITCH, id=global_id("Customer", customer.id), to="REFERRAL"
    )

    assert [e["code"] for e in refused["userErrors"]] == ["FUNDS_NOT_RETRIEVED"]


async def test_switch_to_referral_needs_credit_repaid(client, session, world):
    partner, admin = world
    customer = await make_customer(session, partner)
    finance = await make_user(session, partner, Role.FINANCE)
    await credit.set_customer_credit_limit(
        acting_as(session, finance), customer.id, Decimal("100.00")
    )
    await credit.charge(platform(session), customer, Decimal("40.00"), reference="usage")

    refused = await start(
        client, admin, SWITCH, id=global_id("Customer", customer.id), to="REFERRAL"
    )

    assert [e["code"] for e in refused["userErrors"]] == ["CREDIT_IN_USE"]


async def test_switch_to_reseller_sets_own_cash_aside(client, session, world):
    # given a REFERRAL customer with 80.00 it recharged itself
    partner, admin = world
    customer = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    await recharge(session, partner, "80.00", channel=RechargeChannel.ALIPAY, customer=customer)
    request = await start(
        client, admin, SWITCH, id=global_id("Customer", customer.id), to="RESELLER"
    )
    assert request["userErrors"] == []

    # when it confirms
    body = await gql(
        client,
        CONFIRM,
        {"id": request["request"]["id"]},
        token=await customer_token(session, customer),
    )

    # then its own cash is frozen and its spendable balance starts at zero
    account = body["data"]["confirmAssociationChange"]["request"]["customer"]["account"]
    assert (
        body["data"]["confirmAssociationChange"]["request"]["customer"]["associationType"]
        == "RESELLER"
    )
    assert account["balance"]["amount"] == "0.00"
    assert account["frozenOwnCash"]["amount"] == "80.00"
    stored = await reread(session, CustomerAccount, customer.id)
    assert stored is not None and stored.frozen_own_cash == Decimal("80.00")
    await assert_books_balance(session)
