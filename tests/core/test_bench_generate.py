"""`bench/generate.py` writes what the side-by-side benchmark's queries read: customer accounts
(some in arrears), account managers, resources stored with their rule status, a coupon quota
whose books balance, and cycles that end in the clock's current one.

A tiny data set, on a SQLite file of the test's own (plain inserts) and, when the suite runs on
PostgreSQL, in a scratch database on the same server (COPY, the path `make bench` takes).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import create_engine
from app.migrate import upgrade
from app.models import (
    ConsumptionDetail,
    ConsumptionRollup,
    Customer,
    CustomerAccount,
    OpenAssociation,
    PartnerUser,
    Resource,
)
from app.models.partners.enums import Role
from app.services.consumption.calendar import current_cycle, today
from app.services.core.resource_status import rule_status
from app.services.coupons.verify import verify as verify_coupons
from app.settings import get_settings
from bench.generate import Scale, cycles_ending, generate

TINY = Scale(details=600, customers=40, resources=120, cycles=12)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    upgrade(url)
    return url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("the COPY path runs on PostgreSQL")
    parts = urlsplit(base.replace("postgresql+asyncpg://", "postgresql://"))
    name = f"pc_bench_gen_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
        try:
            await asyncio.to_thread(upgrade, url)  # it runs its own event loop
            yield url
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def test_the_cycles_end_in_the_given_one_across_a_year_boundary() -> None:
    assert cycles_ending("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


async def check_generated(url: str) -> None:
    # when
    partner_id = await generate(url, TINY)
    # then
    assert partner_id is not None
    engine = create_engine(url, get_settings())
    try:
        async with AsyncSession(engine) as session:
            customers = (
                (await session.execute(select(Customer).where(Customer.partner_id == partner_id)))
                .scalars()
                .all()
            )
            accounts = {
                a.customer_id: a
                for a in (await session.execute(select(CustomerAccount))).scalars().all()
            }
            # every customer has an account: most positive, some using credit, some in arrears
            assert set(accounts) == {c.id for c in customers}
            arrears = [a for a in accounts.values() if a.balance + a.credit_limit < 0]
            assert arrears and all(a.arrears_since is not None for a in arrears)
            assert any(a.balance > 0 for a in accounts.values())
            assert all(
                a.arrears_since is None
                for a in accounts.values()
                if a.balance + a.credit_limit >= 0
            )
            # nine in ten have an account manager, a SALES user of the partner
            managers = {
                u.id: u
                for u in (await session.execute(select(PartnerUser))).scalars().all()
                if u.role is Role.SALES
            }
            managed = [c for c in customers if c.account_manager_id is not None]
            assert len(managed) == len(customers) * 9 // 10
            assert {c.account_manager_id for c in managed} <= set(managers)
            # a resource is stored with the status its rules give it now
            resources = (await session.execute(select(Resource))).scalars().all()
            assert len(resources) == TINY.resources
            for resource in resources:
                account = accounts[resource.customer_id]
                assert resource.status is rule_status(
                    resource.status,
                    resource.billing_mode,
                    resource.expires_at,
                    account.balance + account.credit_limit < 0,
                    account.arrears_since,
                )
            assert {r.customer_id for r in resources} == {c.id for c in customers}
            # the platform-side rows the ORM would have written with the customers
            opened = await session.scalar(select(func.count()).select_from(OpenAssociation))
            assert opened == len(customers)
            # the cycles end in the clock's current one, none of its days after today
            cycles = (
                (
                    await session.execute(
                        select(ConsumptionDetail.bill_cycle)
                        .distinct()
                        .order_by(ConsumptionDetail.bill_cycle)
                    )
                )
                .scalars()
                .all()
            )
            assert cycles == cycles_ending(current_cycle(), TINY.cycles)
            assert await session.scalar(select(func.max(ConsumptionDetail.day))) <= today()
            details = await session.scalar(select(func.count()).select_from(ConsumptionDetail))
            assert details >= TINY.details
            assert await session.scalar(select(func.sum(ConsumptionRollup.lines))) == details
            # every detail names a resource and a customer that exist (PostgreSQL loads
            # without checking the foreign keys row by row)
            orphans = await session.scalar(
                select(func.count())
                .select_from(ConsumptionDetail)
                .outerjoin(
                    Resource,
                    (Resource.partner_id == ConsumptionDetail.partner_id)
                    & (Resource.id == ConsumptionDetail.resource_id)
                    & (Resource.customer_id == ConsumptionDetail.customer_id),
                )
                .where(Resource.id.is_(None))
            )
            assert orphans == 0
            # the coupon quota's books balance
            assert await verify_coupons(session) == []
    finally:
        await engine.dispose()
    # and a second run leaves the data alone
    assert await generate(url, TINY) is None


async def test_generate_writes_accounts_managers_and_the_current_cycle_on_sqlite(
    sqlite_url: str,
) -> None:
    await check_generated(sqlite_url)


async def test_generate_writes_the_same_with_copy_on_postgresql(postgres_url: str) -> None:
    await check_generated(postgres_url)
