"""A fixture for the concurrency tests that run on PostgreSQL only: their requests commit in
transactions of their own, so the test's rollback can't undo them; every table is truncated
after the test instead."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.models import Base


@pytest.fixture
async def committed(database):
    if database.dialect != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    yield database
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
