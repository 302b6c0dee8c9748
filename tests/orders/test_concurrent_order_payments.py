"""Paying orders concurrently, committed for real (PostgreSQL): an order is paid exactly
once, and many orders against one balance never drive it negative.

Like tests/funds/test_concurrent_adjustments.py, these commit, so they clean every table.
"""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import delete, func, select

from app.db import Database
from app.demo.catalog import seed_catalog
from app.main import create_app
from app.models import Base, Order, OrderPayment, PartnerAccount, Resource
from app.models.partners.enums import Role
from app.services.funds.verify import verify
from tests.factories import global_id, make_customer, make_partner, make_user, token_for
from tests.funds.helpers import recharge
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import CREATE_PROXY, PAY, new_line, product_id

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="concurrency is tested on PostgreSQL (SQLite serializes writers)",
)


@pytest.fixture
async def committed(database: Database):
    yield database
    async with database.session(write=True) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


async def _setup(committed: Database, money: str, orders: int):
    async with committed.session(write=True) as session:
        await seed_catalog(session)
        ecs = await product_id(session, "ecs.s6-large-2.cn-north-4.ym")
        partner = await make_partner(session)
        admin = await make_user(session, partner, Role.ADMIN)
        finances = [await make_user(session, partner, Role.FINANCE) for _ in range(4)]
        customer = await make_customer(session, partner)
        await make_authorization(session, customer)
        await recharge(session, partner, money)
        admin_token = await token_for(session, admin)
        tokens = [await token_for(session, f) for f in finances]
        await session.commit()
    return partner, customer, ecs, admin_token, tokens


async def _send(client, document, token, variables) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


async def _create_orders(client, admin_token, customer, ecs, count) -> list[str]:
    ids = []
    for n in range(count):
        created = await _send(
            client,
            CREATE_PROXY,
            admin_token,
            {
                "input": {
                    "customerId": global_id("Customer", customer.id),
                    "lines": [new_line(ecs)],
                    "idempotencyKey": f"create-{n}",
                }
            },
        )
        assert created["userErrors"] == []
        ids.append(created["order"]["id"])
    return ids


async def test_the_same_order_paid_at_once_is_paid_exactly_once(committed: Database, settings):
    partner, customer, ecs, admin_token, tokens = await _setup(committed, "10000.00", 1)
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
    ) as client:
        (order_id,) = await _create_orders(client, admin_token, customer, ecs, 1)
        results = await asyncio.gather(
            *(
                _send(
                    client,
                    PAY,
                    tokens[n % 4],
                    {"input": {"orderIds": [order_id], "idempotencyKey": f"pay-{n}"}},
                )
                for n in range(8)
            )
        )
    paid = [r for r in results if r["orders"]]
    assert len(paid) == 1
    assert all(r["userErrors"][0]["code"] == "INVALID_STATE" for r in results if not r["orders"])
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 1
        assert await session.scalar(select(func.count()).select_from(Resource)) == 1
        account = await session.get(PartnerAccount, partner.id)
        assert account.allocatable == Decimal("9820.00")
        assert await verify(session) == []


async def test_many_orders_against_one_balance_never_go_negative(committed: Database, settings):
    # 1,000.00 covers five of the twelve 180.00 orders
    partner, customer, ecs, admin_token, tokens = await _setup(committed, "1000.00", 12)
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
    ) as client:
        ids = await _create_orders(client, admin_token, customer, ecs, 12)
        batches = [ids[n : n + 2] for n in range(0, 12, 2)] + [ids[::-1][:3]]
        results = await asyncio.gather(
            *(
                _send(
                    client,
                    PAY,
                    tokens[n % 4],
                    {"input": {"orderIds": batch, "idempotencyKey": f"pay-{n}"}},
                )
                for n, batch in enumerate(batches)
            )
        )
    paid_ids = [o["id"] for r in results for o in r["orders"]]
    assert len(paid_ids) == len(set(paid_ids)) == 5
    for r in results:
        assert {e["code"] for e in r["userErrors"]} <= {"INSUFFICIENT_BALANCE", "INVALID_STATE"}
    async with committed.session() as session:
        account = await session.get(PartnerAccount, partner.id)
        assert account.allocatable == Decimal("100.00")
        paid_rows = await session.scalar(select(func.count()).where(Order.paid_at.is_not(None)))
        assert paid_rows == 5
        assert await verify(session) == []
