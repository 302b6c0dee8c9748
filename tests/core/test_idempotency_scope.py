"""Idempotency keys belong to the tenant (issue 12, class 7), and the line between
validation (stores nothing) and execution (stored, replayed) is the one a partner draws."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, func, select

from app.db import Database
from app.main import create_app
from app.models import Adjustment, Base, IdempotencyKey, Order, Recharge
from app.models.customers.enums import AssociationType
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.idempotency import tenant_scope
from app.services.core.principal import Principal
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
from tests.funds.helpers import recharge
from tests.funds.recharge_helpers import BANK_TRANSFER, CREATE, transfer_input
from tests.orders.helpers import CANCEL, CREATE_PROXY, make_world, new_line

ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) {
    adjustment { id amount { amount } }
    customer { id }
    userErrors { code field message }
  }
}
"""


def adjust(customer_id: int, key: str, amount: str = "100.00") -> dict:
    return {
        "input": {
            "customerId": global_id("Customer", customer_id),
            "kind": "ALLOCATE",
            "amount": amount,
            "idempotencyKey": key,
        }
    }


def codes(payload: dict) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def stored_keys(session) -> int:
    return await session.scalar(select(func.count()).select_from(IdempotencyKey))


@pytest.fixture
async def funded(session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    await recharge(session, partner, "1000.00")
    finance = await token_for(session, await make_user(session, partner, Role.FINANCE))
    other_finance = await token_for(session, await make_user(session, partner, Role.FINANCE))
    return partner, customer, finance, other_finance


# --- whose key it is ---------------------------------------------------------------------


def test_the_scope_is_the_tenant():
    def user(user_id: int, partner_id: int) -> Principal:
        return Principal(PrincipalKind.PARTNER_USER, partner_id=partner_id, user_id=user_id)

    assert tenant_scope(user(1, 7)) == tenant_scope(user(2, 7)) == "partner:7"
    assert tenant_scope(user(1, 8)) == "partner:8"
    customer = Principal(PrincipalKind.CUSTOMER, cloud_account_id=5)
    assert tenant_scope(customer) == "customer:5"
    assert tenant_scope(Principal(PrincipalKind.PLATFORM, token_id=1)) == "platform"
    assert tenant_scope(Principal(PrincipalKind.PLATFORM, token_id=2)) == "platform"


def test_a_principal_without_a_tenant_has_no_scope():
    with pytest.raises(ValueError):
        tenant_scope(Principal(PrincipalKind.PARTNER_USER, user_id=1))
    with pytest.raises(ValueError):
        tenant_scope(Principal.anonymous())


async def test_a_colleagues_retry_replays(client, session, funded):
    _partner, customer, finance, other_finance = funded

    first = await gql(client, ADJUST, adjust(customer.id, "batch-7"), token=finance)
    retry = await gql(client, ADJUST, adjust(customer.id, "batch-7"), token=other_finance)

    assert retry["data"] == first["data"]
    assert await session.scalar(select(func.count()).select_from(Adjustment)) == 1


async def test_a_platform_retry_after_a_token_rotation_replays(client, session, funded):
    partner, *_ = funded
    old, new = await platform_token(session), await platform_token(session)
    variables = transfer_input(partner, reference="bank-rot", key="transfer-1")

    first = await gql(client, BANK_TRANSFER, variables, token=old)
    retry = await gql(client, BANK_TRANSFER, variables, token=new)

    assert first["data"]["recordBankTransfer"]["userErrors"] == []
    assert retry["data"] == first["data"]
    assert (
        await session.scalar(
            select(func.count())
            .select_from(Recharge)
            .where(Recharge.payment_reference == "bank-rot")
        )
        == 1
    )


async def test_another_tenants_same_key_is_independent(client, session, funded):
    # given a partner user and a customer principal using the key of the partner's call
    _partner, customer, finance, _ = funded
    referral = await make_customer(
        session, await make_partner(session), association_type=AssociationType.REFERRAL
    )
    await gql(client, ADJUST, adjust(customer.id, "same"), token=finance)

    # when the customer uses the same key on its own recharge
    body = await gql(
        client,
        CREATE,
        {
            "input": {
                "channel": "ALIPAY",
                "amount": "10.00",
                "customerId": global_id("Customer", referral.id),
                "idempotencyKey": "same",
            }
        },
        token=await customer_token(session, referral),
    )

    # then it is its own key
    assert body["data"]["createRecharge"]["userErrors"] == []
    assert body["data"]["createRecharge"]["recharge"]["customer"]["id"] == global_id(
        "Customer", referral.id
    )


async def test_the_same_key_on_another_mutation_is_reused(client, session, funded):
    _partner, customer, finance, other_finance = funded
    await gql(client, ADJUST, adjust(customer.id, "k-1"), token=finance)

    body = await gql(
        client,
        CREATE,
        {"input": {"channel": "ALIPAY", "amount": "100.00", "idempotencyKey": "k-1"}},
        token=other_finance,
    )

    assert codes(body["data"]["createRecharge"]) == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert body["data"]["createRecharge"]["recharge"] is None


# --- permission before replay, visibility on replay --------------------------------------


async def test_a_viewer_never_gets_finances_outcome(client, session, funded):
    partner, customer, finance, _ = funded
    viewer = await token_for(session, await make_user(session, partner, Role.VIEWER))
    await gql(client, ADJUST, adjust(customer.id, "fin-1"), token=finance)

    body = await gql(client, ADJUST, adjust(customer.id, "fin-1"), token=viewer)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None


async def test_a_replay_is_read_under_the_callers_visibility(client, session):
    # given an ADMIN's proxy order for a customer that one SALES user manages
    world = await make_world(session)
    stranger = await token_for(session, await make_user(session, world.partner, Role.SALES))
    order = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(world.products["ecs"])],
                "idempotencyKey": "po-1",
            }
        },
        token=world.admin,
    )
    order_id = order["data"]["createProxyOrder"]["order"]["id"]
    cancel = {"input": {"orderId": order_id, "idempotencyKey": "cancel-1"}}
    cancelled = await gql(client, CANCEL, cancel, token=world.admin)
    assert cancelled["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"

    # when a SALES user who does not manage the customer retries, and its manager does
    hidden = await gql(client, CANCEL, cancel, token=stranger)
    managed = await gql(client, CANCEL, cancel, token=world.sales)

    # then the stranger learns nothing; the manager gets the replay
    assert hidden["data"]["cancelOrder"]["order"] is None
    assert codes(hidden["data"]["cancelOrder"]) == [("NOT_FOUND", ["input", "orderId"])]
    assert managed["data"] == cancelled["data"]


# --- validation stores nothing, execution is stored --------------------------------------


async def test_a_mistyped_customer_id_stores_nothing(client, session, funded):
    _partner, customer, finance, _ = funded

    mistyped = await gql(client, ADJUST, adjust(customer.id + 999, "fix-me"), token=finance)
    corrected = await gql(client, ADJUST, adjust(customer.id, "fix-me"), token=finance)

    assert codes(mistyped["data"]["adjustCustomerFunds"]) == [
        ("NOT_FOUND", ["input", "customerId"])
    ]
    assert codes(corrected["data"]["adjustCustomerFunds"]) == []
    assert corrected["data"]["adjustCustomerFunds"]["adjustment"]["amount"]["amount"] == "100.00"
    assert await stored_keys(session) == 1


async def test_another_partners_customer_stores_nothing(client, session, funded):
    _partner, _customer, finance, _ = funded
    foreign = await make_customer(session, await make_partner(session))

    body = await gql(client, ADJUST, adjust(foreign.id, "fix-me"), token=finance)

    assert codes(body["data"]["adjustCustomerFunds"]) == [("NOT_FOUND", ["input", "customerId"])]
    assert await stored_keys(session) == 0


async def test_a_malformed_value_stores_nothing(client, session, funded):
    _partner, customer, finance, _ = funded

    await gql(client, ADJUST, adjust(customer.id, "fix-me", amount="0"), token=finance)

    assert await stored_keys(session) == 0


async def test_a_forbidden_call_stores_nothing(client, session, funded):
    partner, customer, _finance, _ = funded
    sales = await token_for(session, await make_user(session, partner, Role.SALES))

    body = await gql(client, ADJUST, adjust(customer.id, "fix-me"), token=sales)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored_keys(session) == 0


async def test_an_unknown_product_stores_nothing(client, session):
    world = await make_world(session)

    def create(product: int) -> dict:
        return {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(product)],
                "idempotencyKey": "po-typo",
            }
        }

    mistyped = await gql(client, CREATE_PROXY, create(999_999), token=world.admin)
    corrected = await gql(client, CREATE_PROXY, create(world.products["ecs"]), token=world.admin)

    assert codes(mistyped["data"]["createProxyOrder"]) == [
        ("NOT_FOUND", ["input", "lines", "0", "productId"])
    ]
    assert corrected["data"]["createProxyOrder"]["userErrors"] == []
    assert await session.scalar(select(func.count()).select_from(Order)) == 1


async def test_a_business_refusal_is_stored_and_replayed(client, session, funded):
    # given a REFERRAL customer (its partner may not allocate to it)
    partner, _customer, finance, _ = funded
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    other = await make_customer(session, partner)

    refused = await gql(client, ADJUST, adjust(referral.id, "rule"), token=finance)
    again = await gql(client, ADJUST, adjust(referral.id, "rule"), token=finance)
    elsewhere = await gql(client, ADJUST, adjust(other.id, "rule"), token=finance)

    assert codes(refused["data"]["adjustCustomerFunds"]) == [
        ("REFERRAL_MODE", ["input", "customerId"])
    ]
    assert again["data"] == refused["data"]
    assert codes(elsewhere["data"]["adjustCustomerFunds"]) == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await stored_keys(session) == 1


async def test_insufficient_funds_is_stored_for_a_colleague_too(client, session, funded):
    partner, customer, finance, other_finance = funded

    refused = await gql(client, ADJUST, adjust(customer.id, "big", "5000.00"), token=finance)
    await recharge(session, partner, "9000.00")
    again = await gql(client, ADJUST, adjust(customer.id, "big", "5000.00"), token=other_finance)

    assert codes(again["data"]["adjustCustomerFunds"]) == [
        ("INSUFFICIENT_BALANCE", ["input", "amount"])
    ]
    assert again["data"] == refused["data"]


# --- the migration carries stored keys over ------------------------------------------------


def _migration():
    versions = Path(__file__).parents[2] / "alembic" / "versions"
    (path,) = versions.glob("*_idempotency_keys_per_tenant.py")
    spec = importlib.util.spec_from_file_location("keys_per_tenant", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_maps_old_scopes_to_tenants():
    to_tenant = _migration()._tenant_scope
    partner_of = {3: 7}

    assert to_tenant("user:3", partner_of) == "partner:7"
    assert to_tenant("cloud-account:5", partner_of) == "customer:5"
    assert to_tenant("platform:12", partner_of) == "platform"
    assert to_tenant("user:4", partner_of) is None  # a deleted user: its keys are dropped
    assert to_tenant("garbage", partner_of) is None


# --- concurrency: two users, one key, at once ---------------------------------------------


@pytest.fixture
async def committed(database: Database):
    yield database
    async with database.session(write=True) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


async def test_concurrent_retries_by_two_users_move_money_once(committed: Database, settings):
    # given a partner with two FINANCE users, committed
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        customer = await make_customer(session, partner)
        await recharge(session, partner, "1000.00")
        tokens = [
            await token_for(session, await make_user(session, partner, Role.FINANCE))
            for _ in range(2)
        ]
        await session.commit()
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
    ) as client:

        async def send(token: str, key: str) -> dict:
            body = await gql(client, ADJUST, adjust(customer.id, key, "10.00"), token=token)
            assert "errors" not in body, body
            return body["data"]["adjustCustomerFunds"]

        # when each of 10 keys is sent by both users at once
        results = await asyncio.gather(
            *(send(token, f"k-{n}") for n in range(10) for token in tokens)
        )

    # then each key moved money once, and both users got the same answer
    for first, second in zip(results[::2], results[1::2], strict=True):
        assert first == second and first["userErrors"] == []
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(Adjustment)) == 10
