"""Credit limits, charges (cash, then credit, then arrears), and what arrears do to resources."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from sqlalchemy import select

from app.models import AuditEvent, CustomerAccount
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from app.services.funds import credit
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.helpers import assert_books_balance, platform, recharge

SET_LIMIT = """
mutation SetLimit($input: SetCustomerCreditLimitInput!) {
  setCustomerCreditLimit(input: $input) {
    customer {
      id
      account {
        balance { amount currency } creditLimit { amount } available { amount }
        creditUsed { amount } arrears { amount }
      }
    }
    userErrors { code field message }
  }
}
"""
CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) {
    account {
      balance { amount } creditLimit { amount } available { amount }
      creditUsed { amount } arrears { amount }
    }
  }
}
"""
CUSTOMERS = """
query Customers($filter: CustomerFilter) {
  customers(filter: $filter, first: 100) { totalCount nodes { id } }
}
"""
ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) {
    customer { account { balance { amount } creditUsed { amount } arrears { amount } } }
    userErrors { code field }
  }
}
"""
STATUSES = """
query Statuses($ids: [ID!]!) { nodes(ids: $ids) { id ... on Resource { status } } }
"""

_refs = count(1)


@pytest.fixture
async def world(session):
    """A partner with cash, its FINANCE token, and a RESELLER customer."""
    partner = await make_partner(session)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner)
    await recharge(session, partner, "10000.00")
    return partner, customer, await token_for(session, finance)


def limit_input(customer, limit="500.00", **extra):
    return {
        "input": {"customerId": global_id("Customer", customer.id), "creditLimit": limit, **extra}
    }


def errors_of(body, field="setCustomerCreditLimit"):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


def figures(raw) -> dict[str, str]:
    return {key: value["amount"] for key, value in raw.items()}


async def position(client, token, customer) -> dict[str, str]:
    body = await gql(client, CUSTOMER, {"id": global_id("Customer", customer.id)}, token=token)
    return figures(body["data"]["customer"]["account"])


def expect(balance, limit, available, used, arrears) -> dict[str, str]:
    return {
        "balance": balance,
        "creditLimit": limit,
        "available": available,
        "creditUsed": used,
        "arrears": arrears,
    }


async def set_limit(client, token, customer, limit) -> None:
    body = await gql(client, SET_LIMIT, limit_input(customer, limit), token=token)
    assert body["data"]["setCustomerCreditLimit"]["userErrors"] == []


async def allocate(client, token, customer, amount) -> None:
    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": amount,
                "idempotencyKey": f"alloc-{next(_refs)}",
            }
        },
        token=token,
    )
    assert body["data"]["adjustCustomerFunds"]["userErrors"] == []


async def charge(session, customer, amount) -> None:
    await credit.charge(
        platform(session), customer, Decimal(amount), reference=f"Charge:{next(_refs)}"
    )


async def statuses(client, token, *resources) -> list[str]:
    body = await gql(
        client, STATUSES, {"ids": [global_id("Resource", r.id) for r in resources]}, token=token
    )
    return [node["status"] for node in body["data"]["nodes"]]


# --- setCustomerCreditLimit -----------------------------------------------------------------


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
        ("1.234", "CNY", "INVALID_INPUT", ["input", "creditLimit"]),
        ("0.001", "CNY", "INVALID_INPUT", ["input", "creditLimit"]),
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


# --- cash, then credit, then arrears --------------------------------------------------------


async def test_charge_takes_cash_first(client, session, world):
    # given
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    # when
    await charge(session, customer, "60.00")

    # then
    assert await position(client, token, customer) == expect(
        "40.00", "300.00", "340.00", "0.00", "0.00"
    )
    await assert_books_balance(session)


async def test_charge_then_uses_credit(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    await charge(session, customer, "150.00")

    assert await position(client, token, customer) == expect(
        "-50.00", "300.00", "250.00", "50.00", "0.00"
    )
    await assert_books_balance(session)


async def test_charge_beyond_the_credit_is_arrears(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    await charge(session, customer, "450.01")

    assert await position(client, token, customer) == expect(
        "-350.01", "300.00", "-50.01", "300.00", "50.01"
    )
    await assert_books_balance(session)


async def test_using_exactly_the_whole_credit_is_not_arrears(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "100.00")
    await set_limit(client, token, customer, "300.00")

    await charge(session, customer, "400.00")

    assert await position(client, token, customer) == expect(
        "-300.00", "300.00", "0.00", "300.00", "0.00"
    )
    owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    assert owing["data"]["customers"]["nodes"] == []


async def test_without_credit_a_charge_beyond_cash_is_arrears(client, session, world):
    _partner, customer, token = world
    await allocate(client, token, customer, "10.00")

    await charge(session, customer, "10.01")

    assert await position(client, token, customer) == expect(
        "-0.01", "0.00", "-0.01", "0.00", "0.01"
    )
    await assert_books_balance(session)


async def test_several_charges_add_up(client, session, world):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")

    for amount in ("33.33", "33.33", "33.34", "0.01"):
        await charge(session, customer, amount)

    assert await position(client, token, customer) == expect(
        "-100.01", "100.00", "-0.01", "100.00", "0.01"
    )
    await assert_books_balance(session)


async def test_allocation_repays_arrears_then_credit_then_shows_as_cash(client, session, world):
    # given: 300 credit used and 50 in arrears
    _partner, customer, token = world
    await set_limit(client, token, customer, "300.00")
    await charge(session, customer, "350.00")

    # when / then: arrears first
    await allocate(client, token, customer, "30.00")
    assert await position(client, token, customer) == expect(
        "-320.00", "300.00", "-20.00", "300.00", "20.00"
    )
    await allocate(client, token, customer, "20.00")
    assert await position(client, token, customer) == expect(
        "-300.00", "300.00", "0.00", "300.00", "0.00"
    )
    # then the credit
    await allocate(client, token, customer, "100.00")
    assert await position(client, token, customer) == expect(
        "-200.00", "300.00", "100.00", "200.00", "0.00"
    )
    # and only then cash
    await allocate(client, token, customer, "250.00")
    assert await position(client, token, customer) == expect(
        "50.00", "300.00", "350.00", "0.00", "0.00"
    )
    await assert_books_balance(session)


async def test_allocation_payload_shows_the_repayment(client, session, world):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "150.00")

    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": "70.00",
                "idempotencyKey": "repay",
            }
        },
        token=token,
    )

    account = body["data"]["adjustCustomerFunds"]["customer"]["account"]
    assert figures(account) == {"balance": "-80.00", "creditUsed": "80.00", "arrears": "0.00"}


async def test_nothing_can_be_retrieved_from_a_customer_in_debt(client, session, world):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "50.00")

    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "RETRIEVE",
                "amount": "0.01",
                "idempotencyKey": "take",
            }
        },
        token=token,
    )

    assert errors_of(body, "adjustCustomerFunds") == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    assert (await position(client, token, customer))["balance"] == "-50.00"


async def test_lowering_the_limit_turns_used_credit_into_arrears(client, session, world):
    # given
    _partner, customer, token = world
    await set_limit(client, token, customer, "300.00")
    await charge(session, customer, "200.00")

    # when
    body = await gql(client, SET_LIMIT, limit_input(customer, "50.00"), token=token)

    # then
    account = body["data"]["setCustomerCreditLimit"]["customer"]["account"]
    assert figures(account) == expect("-200.00", "50.00", "-150.00", "50.00", "150.00")
    owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    assert [n["id"] for n in owing["data"]["customers"]["nodes"]] == [
        global_id("Customer", customer.id)
    ]


async def test_raising_the_limit_covers_arrears(client, session, world):
    _partner, customer, token = world
    await charge(session, customer, "80.00")

    body = await gql(client, SET_LIMIT, limit_input(customer, "80.00"), token=token)

    account = body["data"]["setCustomerCreditLimit"]["customer"]["account"]
    assert figures(account) == expect("-80.00", "80.00", "0.00", "80.00", "0.00")


async def test_customers_with_arrears_filter(client, session, world):
    # given
    partner, in_arrears, token = world
    await set_limit(client, token, in_arrears, "100.00")
    await charge(session, in_arrears, "100.01")
    on_credit = await make_customer(session, partner)
    await set_limit(client, token, on_credit, "100.00")
    await charge(session, on_credit, "99.99")
    at_limit = await make_customer(session, partner)
    await set_limit(client, token, at_limit, "100.00")
    await charge(session, at_limit, "100.00")
    in_cash = await make_customer(session, partner)
    await allocate(client, token, in_cash, "10.00")
    untouched = await make_customer(session, partner)  # no account row at all
    other = await make_partner(session)
    foreign = await make_customer(session, other)
    await charge(session, foreign, "5.00")

    # when
    owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    not_owing = await gql(client, CUSTOMERS, {"filter": {"hasArrears": False}}, token=token)

    # then
    assert [n["id"] for n in owing["data"]["customers"]["nodes"]] == [
        global_id("Customer", in_arrears.id)
    ]
    assert owing["data"]["customers"]["totalCount"] == 1
    assert {n["id"] for n in not_owing["data"]["customers"]["nodes"]} == {
        global_id("Customer", c.id) for c in (on_credit, at_limit, in_cash, untouched)
    }
    await assert_books_balance(session)


async def test_repaid_customer_leaves_the_arrears_filter(client, session, world):
    _partner, customer, token = world
    await charge(session, customer, "25.00")
    before = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)

    await allocate(client, token, customer, "25.00")

    after = await gql(client, CUSTOMERS, {"filter": {"hasArrears": True}}, token=token)
    assert before["data"]["customers"]["totalCount"] == 1
    assert after["data"]["customers"]["totalCount"] == 0


async def test_arrears_since_follows_the_balance(client, session, world, frozen_clock):
    _partner, customer, token = world
    await set_limit(client, token, customer, "100.00")
    await charge(session, customer, "100.00")
    started = frozen_clock.now() + timedelta(hours=1)
    frozen_clock.set(started)
    await charge(session, customer, "1.00")
    frozen_clock.advance(timedelta(days=1))
    await charge(session, customer, "1.00")

    stored = await session.get(CustomerAccount, customer.id, populate_existing=True)
    assert stored.arrears_since == started

    await allocate(client, token, customer, "2.00")
    stored = await session.get(CustomerAccount, customer.id, populate_existing=True)
    assert stored.arrears_since is None


# --- arrears and on-demand resources --------------------------------------------------------


async def on_demand(session, customer):
    return await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )


async def prepaid(session, customer, frozen_clock):
    return await make_resource(
        session,
        customer,
        billing_mode=BillingMode.YEARLY_MONTHLY,
        expires_at=frozen_clock.now() + timedelta(days=365),
    )


async def test_arrears_put_on_demand_resources_in_grace(client, db, session, world, frozen_clock):
    # given
    partner, owing, token = world
    owing_on_demand = await on_demand(session, owing)
    owing_prepaid = await prepaid(session, owing, frozen_clock)
    await charge(session, owing, "0.01")
    on_credit = await make_customer(session, partner)
    await set_limit(client, token, on_credit, "100.00")
    await charge(session, on_credit, "100.00")
    credit_on_demand = await on_demand(session, on_credit)
    paying = await make_customer(session, partner)
    await allocate(client, token, paying, "10.00")
    paying_on_demand = await on_demand(session, paying)

    # when
    outcomes = {o.name: o for o in await run_due(db, force=True)}

    # then
    assert outcomes["funds.arrears-resources"].ran
    assert await statuses(
        client, token, owing_on_demand, owing_prepaid, credit_on_demand, paying_on_demand
    ) == ["GRACE_PERIOD", "ACTIVE", "ACTIVE", "ACTIVE"]


async def test_grace_turns_to_frozen_after_15_days(client, db, session, world, frozen_clock):
    # given: the grace period starts at the first run after the arrears
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    yearly = await prepaid(session, customer, frozen_clock)
    await charge(session, customer, "10.00")
    start = frozen_clock.now()
    await run_due(db, force=True)

    # when: runs in between do not restart the grace period
    frozen_clock.set(start + timedelta(days=7))
    await run_due(db, force=True)
    frozen_clock.set(start + timedelta(days=15) - timedelta(seconds=1))
    await run_due(db, force=True)
    just_before = await statuses(client, token, resource)
    frozen_clock.set(start + timedelta(days=15))
    await run_due(db, force=True)

    # then
    assert just_before == ["GRACE_PERIOD"]
    assert await statuses(client, token, resource, yearly) == ["FROZEN", "ACTIVE"]


async def test_repaying_arrears_reactivates_graced_resources(client, db, session, world):
    # given
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await set_limit(client, token, customer, "50.00")
    await charge(session, customer, "80.00")
    await run_due(db, force=True)
    assert await statuses(client, token, resource) == ["GRACE_PERIOD"]

    # when: allocating the arrears (the credit stays in use)
    await allocate(client, token, customer, "30.00")
    await run_due(db, force=True)

    # then
    assert await statuses(client, token, resource) == ["ACTIVE"]
    assert (await position(client, token, customer))["creditUsed"] == "50.00"
    await assert_books_balance(session)


async def test_repaying_arrears_reactivates_frozen_resources(
    client, db, session, world, frozen_clock
):
    # given
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "80.00")
    await run_due(db, force=True)
    frozen_clock.advance(timedelta(days=15))
    await run_due(db, force=True)
    assert await statuses(client, token, resource) == ["FROZEN"]

    # when
    await allocate(client, token, customer, "80.00")
    await run_due(db, force=True)

    # then
    assert await statuses(client, token, resource) == ["ACTIVE"]


async def test_a_higher_credit_limit_also_ends_the_grace(client, db, session, world):
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "80.00")
    await credit.apply_arrears_to_resources(platform(session))
    assert await statuses(client, token, resource) == ["GRACE_PERIOD"]

    await set_limit(client, token, customer, "80.00")
    await credit.apply_arrears_to_resources(platform(session))

    assert await statuses(client, token, resource) == ["ACTIVE"]


async def test_partial_repayment_keeps_the_grace_running(client, db, session, world, frozen_clock):
    # given
    _partner, customer, token = world
    resource = await on_demand(session, customer)
    await charge(session, customer, "80.00")
    start = frozen_clock.now()
    await run_due(db, force=True)

    # when
    await allocate(client, token, customer, "79.99")
    frozen_clock.set(start + timedelta(days=1))
    await run_due(db, force=True)
    still_graced = await statuses(client, token, resource)
    frozen_clock.set(start + timedelta(days=15))
    await run_due(db, force=True)

    # then
    assert still_graced == ["GRACE_PERIOD"]
    assert await statuses(client, token, resource) == ["FROZEN"]


async def test_resources_stopped_for_other_reasons_are_left_alone(
    client, db, session, world, frozen_clock
):
    # given: an owing customer's deleted and expired resources, and a graced on-demand
    # resource of a customer without arrears that arrears did not stop
    partner, owing, token = world
    deleted = await make_resource(
        session,
        owing,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        status=ResourceStatus.DELETED,
    )
    expired = await make_resource(
        session,
        owing,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        status=ResourceStatus.EXPIRED,
    )
    await charge(session, owing, "5.00")
    clean = await make_customer(session, partner)
    graced_otherwise = await make_resource(
        session,
        clean,
        billing_mode=BillingMode.ON_DEMAND,
        expires_at=None,
        status=ResourceStatus.GRACE_PERIOD,
    )

    # when
    await run_due(db, force=True)
    frozen_clock.advance(timedelta(days=30))
    await run_due(db, force=True)

    # then
    assert await statuses(client, token, deleted, expired, graced_otherwise) == [
        "DELETED",
        "EXPIRED",
        "GRACE_PERIOD",
    ]


async def test_arrears_of_another_partner_customer_do_not_spread(
    client, db, session, world, frozen_clock
):
    _partner, customer, token = world
    mine = await on_demand(session, customer)
    other = await make_partner(session)
    foreign = await make_customer(session, other)
    await charge(session, foreign, "1.00")
    foreign_resource = await on_demand(session, foreign)
    other_token = await token_for(session, await make_user(session, other, Role.ADMIN))

    await run_due(db, force=True)

    assert await statuses(client, token, mine) == ["ACTIVE"]
    assert await statuses(client, other_token, foreign_resource) == ["GRACE_PERIOD"]


async def test_a_late_job_freezes_on_time_counted_from_the_arrears(session, frozen_clock):
    # given a customer that fell into arrears 16 days ago, never seen by the job since
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    resource = await make_resource(
        session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None
    )
    await credit.charge(platform(session), customer, Decimal("10.00"), reference="usage")
    frozen_clock.advance(timedelta(days=16))

    # when the job finally runs
    await credit.apply_arrears_to_resources(platform(session))

    # then the grace period is over already
    await session.refresh(resource)
    assert resource.status is ResourceStatus.FROZEN
