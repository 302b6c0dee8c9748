"""The demo builds every money movement through the real service paths: both `funds verify` and
`consumption verify` pass on a fresh demo, every consumption charge has its consumption, and
the customers in arrears got there by consuming.

SQLite uses the session's seeded template (tests/cli_databases.py) through the console;
PostgreSQL seeds the demo on the test database and runs the same checks as functions.
"""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import main
from app.demo.seed import seed
from app.models import (
    ConsumptionDetail,
    CustomerAccount,
    LedgerTransaction,
    OrderRefund,
)
from app.models.consumption.enums import DetailKind
from app.models.funds.enums import LedgerKind
from app.services.consumption.verify import verify as verify_consumption
from app.services.funds.verify import verify as verify_funds
from tests.cli_databases import run


async def assert_demo_money(session: AsyncSession) -> None:
    assert await verify_funds(session) == []
    assert await verify_consumption(session) == []
    # every consumption charge names the day whose consumption it charges
    references = await session.scalars(
        select(LedgerTransaction.reference).where(
            LedgerTransaction.kind == LedgerKind.CUSTOMER_CHARGE
        )
    )
    assert all(reference.startswith("Consumption:") for reference in references)
    # a few customers are in arrears, each through its own consumption
    owing = list(
        await session.scalars(
            select(CustomerAccount.customer_id).where(
                CustomerAccount.balance + CustomerAccount.credit_limit < 0
            )
        )
    )
    assert len(owing) >= 3
    for customer_id in owing:
        consumed = await session.scalar(
            select(func.sum(ConsumptionDetail.amount_due)).where(
                ConsumptionDetail.customer_id == customer_id
            )
        )
        assert consumed is not None and consumed > 0
    # the two overspent budgets: 5,000.00 credit used and 3,000.00 in arrears each
    budgets = (
        await session.execute(
            select(CustomerAccount.balance, CustomerAccount.credit_limit).where(
                CustomerAccount.credit_limit > 0, CustomerAccount.balance < 0
            )
        )
    ).all()
    assert sorted((str(b), str(c)) for b, c in budgets) == [("-8000.00", "5000.00")] * 2
    # the demo's refund reverses its order's consumption
    refunds = list(await session.scalars(select(OrderRefund)))
    assert refunds
    for refund in refunds:
        line = await session.scalar(
            select(func.sum(ConsumptionDetail.amount_due)).where(
                ConsumptionDetail.kind == DetailKind.REFUND,
                ConsumptionDetail.order_id == refund.refunded_order_id,
            )
        )
        assert line == -refund.amount


def test_the_demo_verifies_through_the_console(seeded_cli_database):
    assert "ledger verified" in run("funds", "verify")
    assert "consumption verified" in run("consumption", "verify")

    # a consumption charge that names no day of consumption is caught
    with sqlite3.connect(seeded_cli_database.path) as connection:
        connection.execute(
            "UPDATE ledger_transactions SET reference = 'demo consumption' WHERE id = "
            "(SELECT min(id) FROM ledger_transactions WHERE kind = 'CUSTOMER_CHARGE')"
        )
    result = CliRunner().invoke(main, ["consumption", "verify"])
    assert result.exit_code == 1
    assert "reference 'demo consumption'" in result.output
    assert "no consumption day accounts for" in result.output


async def test_the_demo_money_through_the_services(seeded_cli_database):
    from app.db import Database
    from app.settings import get_settings

    database = Database(get_settings())
    try:
        async with database.session() as session:
            await assert_demo_money(session)
    finally:
        await database.dispose()


async def test_the_demo_money_on_postgresql(db, session):
    if db.dialect != "postgresql":
        pytest.skip("on SQLite the seeded template covers the demo")
    await seed(db)
    await assert_demo_money(session)
