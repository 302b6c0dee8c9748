"""`setCustomerCreditLimit`: who sets limits, bad limits, whose budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent
from app.models.customers.enums import AssociationType
from app.models.partners.enums import Role
from tests.core.input_helpers import assert_malformed_input
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
from tests.funds import credit_helpers
from tests.funds.credit_helpers import (
    SET_LIMIT,
    errors_of,
    expect,
    figures,
    limit_input,
    position,
    set_limit,
)
from tests.funds.helpers import assert_books_balance

world = credit_helpers.world  # a fixture shared with the other credit tests


async def test_finance_sets_a_credit_limit(client, session, world):
    # given
    _partner, customer, token = world

    # when
    body = await gql(client, SET_LIMIT, limit_input(customer, "500.00"), token=token)

    # then
    payload = body["data"]["setCustomerCreditLimit"]
    assert payload["userErrors"] == []
    assert payload["customer"]["id"] == global_id("Customer", customer.id)
    assert payload["customer"]["account"]["balance"] == {"amount": "0.00", "currency": "CNY"}
    assert figures(payload["customer"]["account"]) == expect(
        "0.00", "500.00", "500.00", "0.00", "0.00"
    )
    assert await position(client, token, customer) == expect(
        "0.00", "500.00", "500.00", "0.00", "0.00"
    )
    audited = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "funds.set_credit_limit")
    )
    assert audited is not None
    await assert_books_balance(session)


async def test_admin_sets_a_credit_limit(client, session, world):
    partner, customer, token = world
    admin = await make_user(session, partner, Role.ADMIN)

    body = await gql(
        client, SET_LIMIT, limit_input(customer), token=await token_for(session, admin)
    )

    assert body["data"]["setCustomerCreditLimit"]["userErrors"] == []
    assert (await position(client, token, customer))["creditLimit"] == "500.00"


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_funds_rights_cannot_set_limits(client, session, world, role):
    # given
    partner, customer, token = world
    user = await make_user(session, partner, role)
    customer.account_manager_id = user.id  # SALES manages it, still no funds rights
    await session.flush()

    # when
    body = await gql(client, SET_LIMIT, limit_input(customer), token=await token_for(session, user))

    # then
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await position(client, token, customer))["creditLimit"] == "0.00"


async def test_customer_and_platform_cannot_set_limits(client, session, world):
    _partner, customer, token = world

    for other in (await customer_token(session, customer), await platform_token(session)):
        body = await gql(client, SET_LIMIT, limit_input(customer), token=other)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await position(client, token, customer))["creditLimit"] == "0.00"


@pytest.mark.parametrize("zero", ["0", "0.00"])
async def test_zero_clears_the_limit(client, session, world, zero):
    # given
    _partner, customer, token = world
    await set_limit(client, token, customer, "500.00")

    # when
    body = await gql(client, SET_LIMIT, limit_input(customer, zero), token=token)

    # then
    assert body["data"]["setCustomerCreditLimit"]["userErrors"] == []
    assert await position(client, token, customer) == expect("0.00", "0.00", "0.00", "0.00", "0.00")


@pytest.mark.parametrize(
    ("limit", "currency", "code", "field"),
    [
        ("-0.01", "CNY", "INVALID_INPUT", ["input", "creditLimit"]),
        ("-500.00", "CNY", "INVALID_INPUT", ["input", "creditLimit"]),
        ("10000000.01", "CNY", "AMOUNT_LIMITED", ["input", "creditLimit"]),
        ("100.00", "USD", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
    ],
)
async def test_bad_limits(client, session, world, limit, currency, code, field):
    # given
    _partner, customer, token = world
    await set_limit(client, token, customer, "200.00")

    # when
    body = await gql(
        client, SET_LIMIT, limit_input(customer, limit, currency=currency), token=token
    )

    # then
    assert errors_of(body) == [(code, field)]
    assert body["data"]["setCustomerCreditLimit"]["customer"] is None
    assert (await position(client, token, customer))["creditLimit"] == "200.00"


@pytest.mark.parametrize("limit", ["1.234", "0.001"])
async def test_limits_with_more_than_two_decimals_are_malformed(client, session, world, limit):
    # given
    _partner, customer, token = world
    await set_limit(client, token, customer, "200.00")

    # when
    body = await gql(client, SET_LIMIT, limit_input(customer, limit), token=token)

    # then
    assert_malformed_input(body, "$input", ".creditLimit", "at most 2 decimals")
    assert (await position(client, token, customer))["creditLimit"] == "200.00"


async def test_referral_customer_budget_is_its_own(client, session, world):
    partner, _, token = world
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)

    body = await gql(client, SET_LIMIT, limit_input(referral), token=token)

    assert errors_of(body) == [("REFERRAL_MODE", ["input", "customerId"])]
    assert (await position(client, token, referral))["creditLimit"] == "0.00"


async def test_another_partners_customer_is_not_found(client, session, world):
    # given
    _partner, _, token = world
    other = await make_partner(session)
    foreign = await make_customer(session, other)
    other_token = await token_for(session, await make_user(session, other, Role.FINANCE))

    for n, customer_id in enumerate([global_id("Customer", foreign.id), "bogus"]):
        # when
        body = await gql(
            client,
            SET_LIMIT,
            {"input": {"customerId": customer_id, "creditLimit": f"{n + 1}00.00"}},
            token=token,
        )

        # then
        assert errors_of(body) == [("NOT_FOUND", ["input", "customerId"])]
    assert (await position(client, other_token, foreign))["creditLimit"] == "0.00"


async def test_former_customer(client, session, world, frozen_clock):
    partner, _, token = world
    former = await make_customer(session, partner, ended_at=frozen_clock.now() - timedelta(days=1))

    body = await gql(client, SET_LIMIT, limit_input(former), token=token)

    assert errors_of(body) == [("ASSOCIATION_ENDED", ["input", "customerId"])]
