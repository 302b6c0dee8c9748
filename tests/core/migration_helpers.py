"""Helpers of the migration tests: plain queries on a URL, and a scratch PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.settings import get_settings


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
