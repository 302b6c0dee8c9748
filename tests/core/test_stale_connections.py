"""A pooled connection the database dropped does not fail the next request (no pre-ping)."""

from __future__ import annotations

import os

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db import Database
from app.services.partners import tokens

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="a server that drops connections is a PostgreSQL matter",
)

UNKNOWN_TOKEN = tokens.TOKEN_PREFIX + "x" * 43


async def _pooled_backend(db: Database) -> int:
    """Use one connection and give it back to the pool; its server process id."""
    async with db.session() as session:
        pid = await session.scalar(text("SELECT pg_backend_pid()"))
        await session.commit()
    return int(pid)


async def _drop(pid: int, settings) -> None:
    """What a restart or an idle timeout does to a pooled connection."""
    dsn = settings.database_url.replace("postgresql+asyncpg", "postgresql")
    admin = await asyncpg.connect(dsn)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_the_token_lookup_retries_once_on_a_fresh_connection(settings):
    db = Database(settings)  # a pool of its own, outside the test transaction
    try:
        dropped = await _pooled_backend(db)
        await _drop(dropped, settings)

        async with db.session() as session:
            assert await tokens.authenticate(session, UNKNOWN_TOKEN) is None
            now = await session.scalar(text("SELECT pg_backend_pid()"))
        assert now != dropped
    finally:
        await db.dispose()


async def test_without_the_retry_that_request_would_fail(settings):
    db = Database(settings)
    try:
        await _drop(await _pooled_backend(db), settings)

        async with db.session() as session:
            with pytest.raises(DBAPIError) as raised:
                await session.execute(text("SELECT 1"))
        assert raised.value.connection_invalidated
    finally:
        await db.dispose()
