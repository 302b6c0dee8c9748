"""adjustCustomerFunds: allocations and retrievals, every rule, idempotency."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Adjustment, AuditEvent, IdempotencyKey, LedgerEntry
from app.models.customers.enums import AssociationType
from app.models.partners.enums import CertificationStatus, Role
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
from tests.funds.helpers import assert_books_balance, recharge

ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) {
    adjustment { id kind amount { amount currency } transactionId remark customer { id } }
    customer { id account { balance { amount } available { amount } } }
    userErrors { code field message }
  }
}
"""
ACCOUNT = """
query {
  viewer { partner { account { balance { amount } allocatable { amount } held { amount } } } }
}
"""


@pytest.fixture
async def world(session):
    partner = await make_partner(session)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner)
    await recharge(session, partner, "1000.00")
    return partner, customer, await token_for(session, finance)


def adjust_input(customer, kind="ALLOCATE", amount="100.00", key="k-1", **extra):
    return {
        "input": {
            "customerId": global_id("Customer", customer.id),
            "kind": kind,
            "amount": amount,
            "idempotencyKey": key,
            **extra,
        }
    }


async def partner_allocatable(client, token) -> str:
    body = await gql(client, ACCOUNT, token=token)
    return body["data"]["viewer"]["partner"]["account"]["allocatable"]["amount"]


async def test_allocate_moves_money_to_the_customer(client, session, world):
    # given
    _partner, customer, token = world

    # when
    body = await gql(client, ADJUST, adjust_input(customer, remark="May budget"), token=token)

    # then
    payload = body["data"]["adjustCustomerFunds"]
    assert payload["userErrors"] == []
    assert payload["adjustment"]["kind"] == "ALLOCATE"
    assert payload["adjustment"]["amount"] == {"amount": "100.00", "currency": "CNY"}
    assert payload["adjustment"]["transactionId"].startswith("TX20260615-")
    assert payload["customer"]["account"]["balance"]["amount"] == "100.00"
    assert await partner_allocatable(client, token) == "900.00"
    entries = (
        await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "ALLOCATE"))
    ).all()
    assert sorted(e.amount for e in entries) == [Decimal("-100.00"), Decimal("100.00")]
    assert (
        await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "funds.allocate")
        )
        == 1
    )
    await assert_books_balance(session)


async def test_retrieve_takes_money_back(client, session, world):
    _partner, customer, token = world
    await gql(client, ADJUST, adjust_input(customer, amount="300.00", key="a"), token=token)

    body = await gql(
        client, ADJUST, adjust_input(customer, "RETRIEVE", "120.50", key="b"), token=token
    )

    payload = body["data"]["adjustCustomerFunds"]
    assert payload["userErrors"] == []
    assert payload["customer"]["account"]["balance"]["amount"] == "179.50"
    assert await partner_allocatable(client, token) == "820.50"
    await assert_books_balance(session)


async def test_allocate_more_than_allocatable(client, session, world):
    _partner, customer, token = world

    body = await gql(client, ADJUST, adjust_input(customer, amount="1000.01"), token=token)

    errors = body["data"]["adjustCustomerFunds"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert await partner_allocatable(client, token) == "1000.00"


async def test_allocate_everything_then_nothing_more(client, session, world):
    _partner, customer, token = world

    first = await gql(
        client, ADJUST, adjust_input(customer, amount="1000.00", key="a"), token=token
    )
    second = await gql(client, ADJUST, adjust_input(customer, amount="0.01", key="b"), token=token)

    assert first["data"]["adjustCustomerFunds"]["userErrors"] == []
    assert second["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "INSUFFICIENT_BALANCE"
    await assert_books_balance(session)


async def test_retrieve_more_than_the_customer_holds(client, session, world):
    _partner, customer, token = world
    await gql(client, ADJUST, adjust_input(customer, amount="50.00", key="a"), token=token)

    body = await gql(
        client, ADJUST, adjust_input(customer, "RETRIEVE", "50.01", key="b"), token=token
    )

    assert body["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "INSUFFICIENT_BALANCE"


@pytest.mark.parametrize(
    ("amount", "currency", "code", "field"),
    [
        ("0", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("-5.00", "CNY", "INVALID_INPUT", ["input", "amount"]),
        ("10000000.01", "CNY", "AMOUNT_LIMITED", ["input", "amount"]),
        ("10.00", "USD", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
    ],
)
async def test_bad_amounts(client, session, world, amount, currency, code, field):
    _partner, customer, token = world

    body = await gql(
        client, ADJUST, adjust_input(customer, amount=amount, currency=currency), token=token
    )

    errors = body["data"]["adjustCustomerFunds"]["userErrors"]
    assert (errors[0]["code"], errors[0]["field"]) == (code, field)
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


@pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", True])
async def test_non_numbers_are_rejected_by_the_scalar(client, session, world, amount):
    _partner, customer, token = world

    body = await gql(client, ADJUST, adjust_input(customer, amount=amount), token=token)

    assert "data" not in body or body["data"] is None
    assert body["errors"]


@pytest.mark.parametrize(
    "amount", ["1.234", "1e3", "1_000", "\uff11\uff10\uff10", " 5", "5.", ".5"]
)
async def test_malformed_amounts_are_refused_before_the_rules(client, session, world, amount):
    # given
    _partner, customer, token = world

    # when: well-formed amounts have at most 2 decimals, ASCII digits, no exponent
    body = await gql(client, ADJUST, adjust_input(customer, amount=amount), token=token)

    # then
    assert_malformed_input(body, "$input", ".amount", "Amount")
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


async def test_referral_customer(client, session, world):
    partner, _, token = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)

    body = await gql(client, ADJUST, adjust_input(referral), token=token)

    assert body["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "REFERRAL_MODE"


async def test_another_partners_customer_is_not_found(client, session, world):
    _, _, token = world
    other = await make_partner(session)
    foreign = await make_customer(session, other)
    await recharge(session, other, "10.00")

    for customer_id in [global_id("Customer", foreign.id), "bogus"]:
        body = await gql(
            client,
            ADJUST,
            {
                "input": {
                    **adjust_input(foreign)["input"],
                    "customerId": customer_id,
                    "idempotencyKey": customer_id,
                }
            },
            token=token,
        )
        errors = body["data"]["adjustCustomerFunds"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["input", "customerId"])]


async def test_former_customer(client, session, world, frozen_clock):
    partner, _, token = world
    former = await make_customer(session, partner, ended_at=frozen_clock.now() - timedelta(days=1))

    body = await gql(client, ADJUST, adjust_input(former), token=token)

    assert body["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "ASSOCIATION_ENDED"


async def test_expired_partner_cannot_allocate_but_can_retrieve(
    client, session, world, frozen_clock
):
    partner, customer, token = world
    await gql(client, ADJUST, adjust_input(customer, amount="10.00", key="a"), token=token)
    partner.certification_expires_at = frozen_clock.now() - timedelta(seconds=1)
    await session.flush()

    allocate = await gql(client, ADJUST, adjust_input(customer, key="b"), token=token)
    retrieve = await gql(
        client, ADJUST, adjust_input(customer, "RETRIEVE", "10.00", key="c"), token=token
    )

    assert (
        allocate["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "PARTNER_NOT_CERTIFIED"
    )
    assert retrieve["data"]["adjustCustomerFunds"]["userErrors"] == []


async def test_uncertified_status_blocks_allocation(client, session, world):
    partner, customer, token = world
    partner.certification_status = CertificationStatus.EXPIRED
    await session.flush()

    body = await gql(client, ADJUST, adjust_input(customer), token=token)

    assert body["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "PARTNER_NOT_CERTIFIED"


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_funds_rights_are_forbidden(client, session, world, role):
    partner, customer, _ = world
    user = await make_user(session, partner, role)
    if role is Role.SALES:
        customer.account_manager_id = user.id
        await session.flush()

    body = await gql(client, ADJUST, adjust_input(customer), token=await token_for(session, user))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == 0
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


async def test_customer_principal_is_forbidden(client, session, world):
    _partner, customer, _ = world

    body = await gql(
        client, ADJUST, adjust_input(customer), token=await customer_token(session, customer)
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_replay_returns_the_first_result_once(client, session, world):
    _partner, customer, token = world

    first = await gql(client, ADJUST, adjust_input(customer, key="same"), token=token)
    again = await gql(client, ADJUST, adjust_input(customer, key="same"), token=token)

    assert (
        first["data"]["adjustCustomerFunds"]["adjustment"]["id"]
        == again["data"]["adjustCustomerFunds"]["adjustment"]["id"]
    )
    assert again["data"]["adjustCustomerFunds"]["userErrors"] == []
    assert await partner_allocatable(client, token) == "900.00"
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == 1


async def test_same_key_with_other_input_is_refused(client, session, world):
    _partner, customer, token = world
    await gql(client, ADJUST, adjust_input(customer, key="same"), token=token)

    body = await gql(client, ADJUST, adjust_input(customer, amount="5.00", key="same"), token=token)

    errors = body["data"]["adjustCustomerFunds"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await partner_allocatable(client, token) == "900.00"


async def test_a_refusal_is_replayed_too(client, session, world):
    partner, customer, token = world
    refused = await gql(
        client, ADJUST, adjust_input(customer, amount="5000.00", key="x"), token=token
    )
    await recharge(session, partner, "9000.00")

    again = await gql(
        client, ADJUST, adjust_input(customer, amount="5000.00", key="x"), token=token
    )

    for body in (refused, again):
        assert (
            body["data"]["adjustCustomerFunds"]["userErrors"][0]["code"] == "INSUFFICIENT_BALANCE"
        )
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == 0


async def test_invalid_input_stores_no_key(client, session, world):
    _partner, customer, token = world
    await gql(client, ADJUST, adjust_input(customer, amount="-1", key="reuse-me"), token=token)

    body = await gql(
        client, ADJUST, adjust_input(customer, amount="1.00", key="reuse-me"), token=token
    )

    assert body["data"]["adjustCustomerFunds"]["userErrors"] == []


async def test_keys_belong_to_the_partner_not_the_user(client, session, world):
    # issue 12: a retry under another user of the same partner replays (it used to run again)
    partner, customer, token = world
    admin = await make_user(session, partner, Role.ADMIN)

    mine = await gql(client, ADJUST, adjust_input(customer, key="shared"), token=token)
    theirs = await gql(
        client, ADJUST, adjust_input(customer, key="shared"), token=await token_for(session, admin)
    )

    assert (
        mine["data"]["adjustCustomerFunds"]["adjustment"]["id"]
        == theirs["data"]["adjustCustomerFunds"]["adjustment"]["id"]
    )
    assert theirs["data"]["adjustCustomerFunds"]["userErrors"] == []
    assert await partner_allocatable(client, token) == "900.00"


async def test_another_partners_same_key_is_independent(client, session, world):
    _partner, customer, token = world
    other = await make_partner(session)
    other_customer = await make_customer(session, other)
    await recharge(session, other, "1000.00")
    other_token = await token_for(session, await make_user(session, other, Role.FINANCE))

    mine = await gql(client, ADJUST, adjust_input(customer, key="shared"), token=token)
    theirs = await gql(
        client, ADJUST, adjust_input(other_customer, key="shared"), token=other_token
    )

    assert theirs["data"]["adjustCustomerFunds"]["userErrors"] == []
    assert (
        mine["data"]["adjustCustomerFunds"]["adjustment"]["id"]
        != theirs["data"]["adjustCustomerFunds"]["adjustment"]["id"]
    )
    assert await partner_allocatable(client, token) == "900.00"
    assert await partner_allocatable(client, other_token) == "900.00"


async def test_expired_keys_are_forgotten(client, session, world, frozen_clock):
    _partner, customer, token = world
    await gql(client, ADJUST, adjust_input(customer, key="old"), token=token)
    frozen_clock.advance(timedelta(hours=24))

    body = await gql(client, ADJUST, adjust_input(customer, key="old"), token=token)

    assert body["data"]["adjustCustomerFunds"]["userErrors"] == []
    assert await partner_allocatable(client, token) == "800.00"


@pytest.mark.parametrize("key", ["", "   ", "x" * 101])
async def test_bad_idempotency_keys(client, session, world, key):
    _partner, customer, token = world

    body = await gql(client, ADJUST, adjust_input(customer, key=key), token=token)

    errors = body["data"]["adjustCustomerFunds"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID_INPUT", ["input", "idempotencyKey"])
    ]
