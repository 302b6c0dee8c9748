"""Test harness: migrate once per session, isolate each test in a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when `TEST_DATABASE_URL` is set. Each
test gets a connection inside a transaction; every session the app opens joins it through a
SAVEPOINT, so the app's commits and rollbacks behave as in production while the test's data
vanishes at the end.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from app import clock
from app.db import Database, ReadOnlySession, SerializedSession
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings, get_settings

pytest_plugins = ["tests.cli_databases", "tests.core.tenant_hook"]

hypothesis_settings.register_profile("ci", deadline=None, max_examples=50)
hypothesis_settings.load_profile("ci")

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    path = Path(tempfile.mkdtemp(prefix="pc-tests-")) / "test.db"
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def database_url() -> str:
    url = _database_url()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    os.environ["DATABASE_URL"] = database_url
    # lastUsedAt is written after each response, not by a timer task: the test's sessions
    # share one connection, which a timer must not write on behind a test's back
    os.environ.setdefault("TOKEN_LAST_USED_FLUSH_SECONDS", "0")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings)
    yield db
    await db.dispose()


class IsolatedDatabase(Database):
    """A `Database` whose sessions all join one outer test transaction via SAVEPOINTs."""

    def __init__(self, base: Database, connection: AsyncConnection) -> None:
        self.settings = base.settings
        self.engine = base.engine
        self.read_engine = base.engine
        self.connection = connection

    def session(
        self, *, write: bool = False, read_only: bool = False, retry_stale: bool = False
    ) -> SerializedSession:
        """A unit of work in the test's transaction; a read-only one refuses writes, as in
        production (its statements run in the test's transaction all the same)."""
        extra: dict[str, Any] = {"sync_session_class": ReadOnlySession} if read_only else {}
        return SerializedSession(
            bind=self.connection,
            expire_on_commit=False,
            autoflush=True,
            join_transaction_mode="create_savepoint",
            **extra,
        )

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncConnection]:
        """Streaming reads see the test's data: they share its connection."""
        yield self.connection

    async def dispose(self) -> None:  # the shared engine outlives each test
        return None


@pytest.fixture
async def db(database: Database) -> AsyncIterator[IsolatedDatabase]:
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield IsolatedDatabase(database, connection)
        finally:
            await transaction.rollback()


@pytest.fixture
async def session(db: IsolatedDatabase) -> AsyncIterator[SerializedSession]:
    """A session for arranging data; flush to make it visible to the app."""
    async with db.session() as s:
        yield s


@pytest.fixture(autouse=True)
def tenant_statements(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL, fail a test whose app code reaches a tenant table without its partner
    (tests/core/tenant_hook.py)."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        from tests.core import tenant_hook  # the plugin (`pytest_plugins`), imported by then

        yield from tenant_hook.checked(request)
    else:
        yield


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[clock.FrozenClock]:
    frozen = clock.FrozenClock(NOW)
    previous = clock.use_clock(frozen)
    yield frozen
    clock.use_clock(previous)


@pytest.fixture
async def client(db: IsolatedDatabase, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


class StatementCounter:
    """Counts SQL statements sent on the engine while `active`."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []
        self.active = False

    def __call__(self, *args: Any) -> None:
        if self.active:
            self.count += 1
            self.statements.append(str(args[2]))

    def reset(self) -> None:
        self.count = 0
        self.statements = []


@pytest.fixture
def statements(database: Database) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    event.listen(database.engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(database.engine.sync_engine, "before_cursor_execute", counter)
