"""`coupons verify`: the quota books pass on real data and every kind of tampering shows."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from app.cli import main
from app.db import Database
from app.models import Coupon, CouponQuota, CouponQuotaRecord
from app.models.coupons.enums import CouponQuotaRecordKind
from app.models.partners.enums import Role
from app.services.coupons.verify import verify
from app.settings import get_settings
from tests.cli_databases import run
from tests.coupons.helpers import cash, discount, grant, issue, use
from tests.factories import make_customer, make_partner, make_user
from tests.funds.helpers import acting_as


async def books(session, world, frozen_clock):
    """Coupons in every state: used, partly used, reclaimed, expired, and a platform
    reclaim and a quota expiry."""
    from app.services.core.context import ServiceContext
    from app.services.core.principal import Principal
    from app.services.coupons import expiry, quotas, reclaiming

    used, partly, reclaimed = await issue(
        session, world.finance, world.quota, world.customers, cash("30.00")
    )
    await use(session, used, "30.00")
    await use(session, partly, "12.34")
    await reclaiming.reclaim_coupons(acting_as(session, world.finance), [reclaimed.id])
    short = await grant(session, world.partner, "200.00", days=5)
    await issue(session, world.finance, short, world.customers[:1], discount(cap="20.00", days=5))
    await quotas.reclaim_coupon_quota(
        ServiceContext(session, Principal.system()), world.quota.id, None
    )
    frozen_clock.advance(timedelta(days=6))
    await expiry.expire_coupons(ServiceContext(session, Principal.system()))
    await session.flush()


async def test_real_books_pass(session, world, frozen_clock):
    await books(session, world, frozen_clock)

    assert await verify(session) == []


@pytest.mark.parametrize(
    "model, values, expected",
    [
        (CouponQuota, {"remaining": 1}, "remainder"),
        (CouponQuota, {"amount": 1}, "granted"),
        (Coupon, {"balance": 5}, "value"),
        (CouponQuotaRecord, {"remaining_after": 3}, "running remainder"),
        (CouponQuotaRecord, {"delta": -1}, "delta"),
    ],
)
async def test_tampering_is_reported(session, world, frozen_clock, model, values, expected):
    # given books that verify
    await books(session, world, frozen_clock)
    assert await verify(session) == []

    # when one row is changed behind the services' back
    row_id = world.quota.id if model is CouponQuota else None
    stmt = update(model).where(model.partner_id == world.partner.id)
    if row_id is not None:
        stmt = stmt.where(model.id == row_id)
    elif model is CouponQuotaRecord:
        stmt = stmt.where(model.kind == CouponQuotaRecordKind.ISSUE)
    await session.execute(stmt.values(**values))

    # then
    problems = await verify(session)
    assert problems and any(expected in p for p in problems), problems


async def _seed(url: str) -> None:
    settings = get_settings()
    database = Database(settings)
    try:
        async with database.session(write=True) as session:
            partner = await make_partner(session)
            finance = await make_user(session, partner, Role.FINANCE)
            customers = [await make_customer(session, partner) for _ in range(2)]
            quota = await grant(session, partner, "500.00")
            coupons = await issue(session, finance, quota, customers, cash("50.00"))
            await use(session, coupons[0], "20.00")
            await session.commit()
    finally:
        await database.dispose()


def test_the_command_passes_and_catches_a_tampered_row(migrated_cli_database):
    import asyncio

    asyncio.run(_seed(migrated_cli_database.url))
    assert "coupons verified" in run("coupons", "verify")

    with sqlite3.connect(migrated_cli_database.path) as connection:
        connection.execute("UPDATE coupons SET balance = balance + 1 WHERE rowid = 1")
    result = CliRunner().invoke(main, ["coupons", "verify"])

    assert result.exit_code == 1
    assert "value" in result.output
