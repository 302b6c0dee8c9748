"""The platform-keys migration backfills the new tables from existing rows (SQLite and
PostgreSQL): seeded demo data is taken back to the revision before it, changed there, and
migrated forward again."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import command
from app.migrate import alembic_config
from app.settings import get_settings
from tests.cli_databases import run

BEFORE = "1cb8968d72ea"  # the revision before the platform keys

PLATFORM = {
    "open_associations": "SELECT cloud_account_id, partner_id, customer_id FROM open_associations",
    "invitation_tokens": "SELECT token_hash, partner_id, invitation_id FROM invitation_tokens",
    "payment_references": (
        "SELECT channel, payment_reference, partner_id, recharge_id FROM payment_references"
    ),
}
# The rows that hold each rule, read from the tenant tables.
HOLDERS = {
    "open_associations": (
        "SELECT cloud_account_id, partner_id, id FROM customers WHERE ended_at IS NULL"
    ),
    "invitation_tokens": "SELECT token_hash, partner_id, id FROM invitations",
    "payment_references": (
        "SELECT channel, payment_reference, partner_id, id FROM recharges "
        "WHERE payment_reference IS NOT NULL"
    ),
}


def query(url: str, *statements: str) -> list[set[tuple]]:
    async def work() -> list[set[tuple]]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                results = []
                for sql in statements:
                    result = await connection.execute(text(sql))
                    results.append({tuple(r) for r in result} if result.returns_rows else set())
                return results
        finally:
            await engine.dispose()

    return asyncio.run(work())


def tables(url: str) -> set[str]:
    sql = (
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if url.startswith("sqlite")
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    return {name for (name,) in query(url, sql)[0]}


def check_backfill(url: str) -> None:
    # given seeded data, with each rule held by some rows
    holders = dict(zip(HOLDERS, query(url, *HOLDERS.values()), strict=True))
    assert all(holders.values()), holders
    assert dict(zip(PLATFORM, query(url, *PLATFORM.values()), strict=True)) == holders

    # when the database goes back before the platform keys and rows change there
    command.downgrade(alembic_config(url), BEFORE)
    assert not set(PLATFORM) & tables(url)
    query(
        url,
        "UPDATE customers SET ended_at = associated_at "
        "WHERE id = (SELECT MIN(id) FROM customers WHERE ended_at IS NULL)",
    )
    command.upgrade(alembic_config(url), "head")

    # then the new tables hold exactly the rows that hold each rule
    holders = dict(zip(HOLDERS, query(url, *HOLDERS.values()), strict=True))
    assert dict(zip(PLATFORM, query(url, *PLATFORM.values()), strict=True)) == holders


def test_backfill_on_sqlite(seeded_cli_database):
    check_backfill(seeded_cli_database.url)


@pytest.fixture
def scratch_postgres(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database of this test's own, next to the test database, dropped after."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("the PostgreSQL backfill runs when TEST_DATABASE_URL is PostgreSQL")
    name = f"pc_keys_{uuid.uuid4().hex[:12]}"
    admin = make_url(base).render_as_string(hide_password=False)
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    async def create_or_drop(sql: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(sql))
        finally:
            await engine.dispose()

    asyncio.run(create_or_drop(f'CREATE DATABASE "{name}"'))
    monkeypatch.setattr(get_settings(), "database_url", url)
    try:
        yield url
    finally:
        asyncio.run(create_or_drop(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_backfill_on_postgresql(scratch_postgres):
    run("migrate")
    run("seed-demo")
    check_backfill(scratch_postgres)
