"""Orders racing for one coupon, committed for real (PostgreSQL): of concurrent createOrder
calls naming the same cash coupon exactly one holds it and the others get COUPON_HELD; of
concurrent payments of its order exactly one uses it; a payment racing a cancel either uses
it or lets it go, never both."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
from sqlalchemy import func, select

from app.db import Database
from app.demo.catalog import seed_catalog
from app.main import create_app
from app.models import Coupon, CouponUsage, Order, OrderPayment
from app.models.customers.enums import AssociationType
from app.models.partners.enums import Role
from app.services.funds.verify import verify
from tests import committed_postgres
from tests.factories import (
    customer_token,
    global_id,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import recharge
from tests.lifecycle.factories import make_authorization
from tests.orders.coupon_helpers import CREATE_OWN, CREATE_PROXY, cid, make_coupon
from tests.orders.helpers import CANCEL, PAY, PAY_OWN, new_line, product_id

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races


async def _setup(committed: Database, referral: bool = False):
    async with committed.session(write=True) as session:
        await seed_catalog(session)
        ecs = await product_id(session, "ecs.s6-large-2.cn-north-4.ym")
        partner = await make_partner(session)
        admin = await make_user(session, partner, Role.ADMIN)
        finances = [await make_user(session, partner, Role.FINANCE) for _ in range(4)]
        kind = AssociationType.REFERRAL if referral else AssociationType.RESELLER
        customer = await make_customer(session, partner, association_type=kind)
        await make_authorization(session, customer)
        await recharge(session, partner, "10000.00")
        if referral:
            await recharge(session, partner, "10000.00", customer=customer)
        coupon = await make_coupon(session, customer, value="50.00")
        tokens = {
            "admin": await token_for(session, admin),
            "finance": [await token_for(session, f) for f in finances],
            "customer": await customer_token(session, customer),
        }
        await session.commit()
    return customer, ecs, coupon, tokens


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


def _create(customer, ecs, coupon, key: str) -> dict:
    return {
        "input": {
            "customerId": global_id("Customer", customer.id),
            "lines": [new_line(ecs)],
            "couponIds": [cid(coupon)],
            "idempotencyKey": key,
        }
    }


def _client(committed: Database, settings) -> httpx.AsyncClient:
    app = create_app(settings, database=committed)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
    )


async def test_concurrent_orders_naming_one_coupon_hold_it_once(committed: Database, settings):
    customer, ecs, coupon, tokens = await _setup(committed)
    admin = tokens["admin"]
    async with _client(committed, settings) as client:
        results = await asyncio.gather(
            *(
                _send(client, CREATE_PROXY, admin, _create(customer, ecs, coupon, f"c{n}"))
                for n in range(8)
            )
        )
    created = [r for r in results if r["order"] is not None]
    assert len(created) == 1
    refused = [r["userErrors"] for r in results if r["order"] is None]
    assert all(
        [(e["code"], e["field"]) for e in errs] == [("COUPON_HELD", ["input", "couponIds", "0"])]
        for errs in refused
    )
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1
        row = await session.scalar(select(Coupon))
        order = await session.scalar(select(Order))
        assert row.held_by_order_id == order.id and row.balance == Decimal("50.00")


async def test_concurrent_payments_use_the_coupon_once(committed: Database, settings):
    customer, ecs, coupon, tokens = await _setup(committed)
    async with _client(committed, settings) as client:
        created = await _send(
            client, CREATE_PROXY, tokens["admin"], _create(customer, ecs, coupon, "c")
        )
        order_id = created["order"]["id"]
        results = await asyncio.gather(
            *(
                _send(
                    client,
                    PAY,
                    tokens["finance"][n % 4],
                    {"input": {"orderIds": [order_id], "idempotencyKey": f"pay-{n}"}},
                )
                for n in range(8)
            )
        )
    assert len([r for r in results if r["orders"]]) == 1
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(OrderPayment)) == 1
        usages = (await session.execute(select(CouponUsage))).scalars().all()
        assert [u.amount for u in usages] == [Decimal("50.00")]
        row = await session.scalar(select(Coupon))
        assert row.balance == Decimal("0.00") and row.held_by_order_id is None
        assert await verify(session) == []


async def test_a_payment_racing_a_cancel_uses_the_coupon_or_releases_it(
    committed: Database, settings
):
    customer, ecs, coupon, tokens = await _setup(committed, referral=True)
    token = tokens["customer"]
    async with _client(committed, settings) as client:
        created = await _send(client, CREATE_OWN, token, _create(customer, ecs, coupon, "own"))
        order_id = created["order"]["id"]
        paid, cancelled = await asyncio.gather(
            _send(client, PAY_OWN, token, {"input": {"orderId": order_id, "idempotencyKey": "p"}}),
            _send(client, CANCEL, token, {"input": {"orderId": order_id, "idempotencyKey": "c"}}),
        )
    assert (paid["order"] is None) != (cancelled["order"] is None)
    async with committed.session() as session:
        row = await session.scalar(select(Coupon))
        usages = await session.scalar(select(func.count()).select_from(CouponUsage))
        assert row.held_by_order_id is None
        if paid["order"] is not None:
            assert usages == 1 and row.balance == Decimal("0.00")
        else:
            assert usages == 0 and row.balance == Decimal("50.00")
