"""Engines and sessions.

One `AsyncSession` per request (the request owns the unit of work). DataLoaders of different
kinds dispatch their batches as concurrent tasks and graphql-core resolves root fields
concurrently, so the request's session serializes its statements with a per-session lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    create_async_engine,
)

from app.settings import Settings

WRITE_OPTION = "partner_console_write"


class SerializedSession(AsyncSession):
    """An AsyncSession that never runs two statements at once.

    The lock is re-entrant per task (`scalars()` calls `execute()` internally) and shared by
    every awaitable entry point that touches the connection.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if self._owner is task:
            yield
            return
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self.exclusive():
            return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self.exclusive():
            return await super().scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        async with self.exclusive():
            return await super().scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self.exclusive():
            return await super().get(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        async with self.exclusive():
            await super().flush(*args, **kwargs)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        async with self.exclusive():
            await super().refresh(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        async with self.exclusive():
            await super().delete(*args, **kwargs)

    async def commit(self) -> None:
        async with self.exclusive():
            await super().commit()

    async def rollback(self) -> None:
        async with self.exclusive():
            await super().rollback()


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Take transaction control away from pysqlite so SAVEPOINTs and BEGIN IMMEDIATE work."""

    sync_engine: Engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in str(sync_engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing unit of work takes the write lock up front: a deferred transaction that
        # upgrades from read to write fails at once with SQLITE_BUSY instead of waiting.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def create_engine(url: str, settings: Settings) -> AsyncEngine:
    """An async engine for `url`, configured for its dialect."""
    kwargs: dict[str, Any] = {"echo": settings.sql_echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # No pre-ping: it cost every request ~0.65 ms. A connection the server dropped (restart,
        # idle timeout) fails the request's first statement, which is always the token lookup,
        # and `tokens.authenticate` retries that once on a fresh connection.
        kwargs.update(pool_size=10, max_overflow=20)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


class Database:
    """The process's engines and the factory of request sessions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_engine(settings.database_url, settings)
        read_url = settings.database_read_url
        self.read_engine = (
            create_engine(read_url, settings)
            if read_url and read_url != settings.database_url
            else self.engine
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool = False) -> SerializedSession:
        """A new unit of work; `write=True` takes SQLite's write lock when it begins."""
        bind = self.engine.execution_options(**{WRITE_OPTION: True}) if write else self.engine
        return SerializedSession(bind=bind, expire_on_commit=False, autoflush=True)

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncConnection]:
        """A connection of its own on the read replica (or the primary), for streaming reads
        that must not hold the request's session (exports)."""
        async with self.read_engine.connect() as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
