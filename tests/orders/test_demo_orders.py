"""seed-demo places orders in every state through the services; the ledger still verifies.

Seeding the demo is slow, so the first seeding is the session's seeded template
(tests/cli_databases.py: `seed-demo` run once through the console on a SQLite file); the test
seeds a copy of it again, which must create no orders. PostgreSQL has no such template: there
the demo is also seeded twice on the test database itself, so the seed keeps running on both.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.demo.seed import seed
from app.models import Order, OrderRefund, Resource
from app.settings import get_settings
from tests.funds.helpers import assert_books_balance


async def assert_demo_orders(first: list[str], again: list[str], session: AsyncSession) -> None:
    assert any("created demo orders" in line for line in first)
    assert not any("created demo orders" in line for line in again)
    await assert_books_balance(session)
    rows = (
        await session.execute(
            select(Order.kind, Order.status, Order.source, Order.partner_payment_status)
        )
    ).all()
    assert {"COMPLETED", "PENDING_PAYMENT", "CANCELLED"} <= {r.status.value for r in rows}
    assert {r.kind.value for r in rows} == {"NEW", "RENEW", "CHANGE_SPEC", "UNSUBSCRIBE"}
    assert any(
        r.source.value == "CUSTOMER" and r.partner_payment_status.value == "REQUESTED" for r in rows
    )
    provisioned = await session.scalar(
        select(func.count()).select_from(Resource).where(Resource.order_id.is_not(None))
    )
    assert provisioned and await session.scalar(select(func.count()).select_from(OrderRefund))


async def test_demo_orders(seeded_cli_database):
    # given the template's first seeding (a copy of its file; settings point at it)
    first = seeded_cli_database.seed_output.splitlines()
    database = Database(get_settings())
    try:
        # when it is seeded again
        again = await seed(database)

        # then
        async with database.session() as session:
            await assert_demo_orders(first, again, session)
    finally:
        await database.dispose()


async def test_demo_orders_on_postgresql(db, session):
    if db.dialect != "postgresql":
        pytest.skip("on SQLite, test_demo_orders covers the seed through the SQLite template")

    first = await seed(db)
    again = await seed(db)

    await assert_demo_orders(first, again, session)
