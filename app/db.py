"""Engines and sessions.

One `AsyncSession` per request (the request owns the unit of work). DataLoaders of different
kinds dispatch their batches as concurrent tasks and graphql-core resolves root fields
concurrently, so the request's session serializes its statements with a per-session lock.

graphql-core also *cancels* sibling resolvers when an error nulls their parent (its
`gather_with_cancel`), and a client that goes away cancels the whole request. A statement
cancelled mid-flight leaves its connection in an unknown state, which SQLAlchemy answers by
invalidating it: the transaction is dead (`PendingRollbackError` at the request's commit, a
500 for an error that was the client's). So a statement, once asked for, runs to its end in a
task of its own, shielded from the caller's cancellation; the caller that was cancelled stops
waiting, the connection stays consistent, and `end()` waits for every statement still in
flight before it commits or rolls back the unit of work.

A query's unit of work is *read-only* (`session(read_only=True)`): it sends no BEGIN and no
COMMIT (PostgreSQL: AUTOCOMMIT, each statement its own implicit transaction, which READ
COMMITTED gives each statement's snapshot anyway; SQLite: no BEGIN), and anything that tries
to write through it raises `ReadOnlyUnitOfWork`.

The pool does not ping a connection before lending it, so a connection the server dropped (a
restart, an idle timeout) shows at the first statement of the next unit of work that gets it;
a request's session (`retry_stale=True`) then runs that first statement once more on a fresh
connection: nothing of its unit of work had happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncSessionTransaction,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.settings import Settings

WRITE_OPTION = "partner_console_write"
READ_ONLY_OPTION = "partner_console_read_only"

T = TypeVar("T")


class UnitOfWorkEnded(RuntimeError):
    """A statement asked for after the request's unit of work ended (a stray loader batch)."""


class ReadOnlyUnitOfWork(RuntimeError):
    """A write attempted in a read-only unit of work (a query request)."""


class ReadOnlySession(Session):
    """The synchronous half of a read-only unit of work: a flush with changes, or an INSERT,
    UPDATE or DELETE statement, raises `ReadOnlyUnitOfWork`."""


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise ReadOnlyUnitOfWork("A read-only unit of work (a query) may not write.")


@event.listens_for(ReadOnlySession, "do_orm_execute", insert=True)  # before any other hook
def _refuse_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyUnitOfWork("A read-only unit of work (a query) may not write.")


class SerializedTransaction(AsyncSessionTransaction):
    """A SAVEPOINT whose begin, commit and rollback are statements of the serialized session."""

    session: SerializedSession

    async def start(self, is_ctxmanager: bool = False) -> AsyncSessionTransaction:
        return await self.session.run_statement(AsyncSessionTransaction.start, self, is_ctxmanager)

    async def commit(self) -> None:
        await self.session.run_statement(AsyncSessionTransaction.commit, self)

    async def rollback(self) -> None:
        await self.session.run_statement(AsyncSessionTransaction.rollback, self)

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await self.session.run_statement(
            AsyncSessionTransaction.__aexit__, self, type_, value, traceback
        )


class SerializedSession(AsyncSession):
    """An AsyncSession that never runs two statements at once, and never abandons one.

    Every awaitable entry point that touches the connection runs through `run_statement`: in a
    task of its own that holds the session's lock for the statement's whole life, shielded from
    the caller's cancellation. The lock is re-entrant for that task (`scalars()` calls
    `execute()` internally). `end()` closes the unit of work.
    """

    def __init__(self, *args: Any, retry_stale: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._retry_stale = retry_stale
        self._fresh = True  # no statement has run yet
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._in_flight: set[asyncio.Future[Any]] = set()
        self._ended = False
        self._ending: asyncio.Future[None] | None = None

    async def run_statement(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run `fn(*args, **kwargs)` alone on the connection and to its end."""
        if asyncio.current_task() is self._owner:
            return await fn(*args, **kwargs)
        if self._ended:
            raise UnitOfWorkEnded("The request's unit of work has ended.")
        statement = asyncio.ensure_future(self._exclusive(fn, args, kwargs))
        self._in_flight.add(statement)
        statement.add_done_callback(self._in_flight.discard)
        # A cancelled caller stops waiting; the statement finishes and releases the lock.
        return await asyncio.shield(statement)

    async def _exclusive(self, fn: Callable[..., Awaitable[T]], args: Any, kwargs: Any) -> T:
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                return await fn(*args, **kwargs)
            finally:
                self._owner = None
                self._fresh = False

    async def _read(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """`fn` (execute, scalar, scalars, get) as a statement; the first of a unit of work
        that has nothing to flush is retried once if its connection was found dropped."""
        if not (self._retry_stale and self._fresh):
            return await self.run_statement(fn, *args, **kwargs)
        return await self.run_statement(self._retrying, fn, args, kwargs)

    async def _retrying(self, fn: Callable[..., Awaitable[T]], args: Any, kwargs: Any) -> T:
        if not self._fresh or self.new or self.dirty or self.deleted:
            return await fn(*args, **kwargs)
        self._fresh = False
        try:
            return await fn(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        # SQLAlchemy invalidated that connection and every older one of the pool
        await AsyncSession.rollback(self)
        return await fn(*args, **kwargs)

    async def settle(self) -> None:
        """Wait until no statement is in flight (those of cancelled callers included)."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    def end(self, *, commit: bool) -> asyncio.Future[None]:
        """End the unit of work: wait for the statements in flight, refuse new ones, then
        commit (or roll back) and close. Shielded from the caller's cancellation; idempotent
        (a second call waits for the first, whatever it asked)."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end(commit))
        return asyncio.shield(self._ending)

    async def _end(self, commit: bool) -> None:
        try:
            await self.settle()
            self._ended = True
            if commit:
                try:
                    await self._exclusive(AsyncSession.commit, (self,), {})
                except BaseException:
                    await self._exclusive(AsyncSession.rollback, (self,), {})
                    raise
            else:
                await self._exclusive(AsyncSession.rollback, (self,), {})
        finally:
            self._ended = True
            await self._exclusive(AsyncSession.close, (self,), {})

    def begin_nested(self) -> SerializedTransaction:
        return SerializedTransaction(self, nested=True)

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return await self._read(super().execute, *args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return await self._read(super().scalar, *args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return await self._read(super().scalars, *args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        return await self._read(super().get, *args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        await self.run_statement(super().flush, *args, **kwargs)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        await self.run_statement(super().refresh, *args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        await self.run_statement(super().delete, *args, **kwargs)

    async def commit(self) -> None:
        await self.run_statement(super().commit)

    async def rollback(self) -> None:
        await self.run_statement(super().rollback)

    async def close(self) -> None:
        if self._ending is not None:
            await asyncio.shield(self._ending)
            return
        await self.settle()
        await self.run_statement(super().close)


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
        # upgrades from read to write fails at once with SQLITE_BUSY instead of waiting. A
        # read-only one begins nothing: each statement reads in its own implicit transaction.
        options = connection.get_execution_options()
        if options.get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(READ_ONLY_OPTION):
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
        self._write_bind = self.engine.execution_options(**{WRITE_OPTION: True})
        self._read_only_bind = self.engine
        if settings.read_only_autocommit:
            options: dict[str, Any] = {READ_ONLY_OPTION: True}
            if self.engine.dialect.name == "postgresql":
                options["isolation_level"] = "AUTOCOMMIT"
            self._read_only_bind = self.engine.execution_options(**options)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(
        self, *, write: bool = False, read_only: bool = False, retry_stale: bool = False
    ) -> SerializedSession:
        """A new unit of work; `write=True` takes SQLite's write lock when it begins,
        `read_only=True` (a query) refuses writes and, with `read_only_autocommit`, sends no
        BEGIN/COMMIT; `retry_stale=True` retries a first statement that finds its connection
        dropped (a request's session)."""
        if write and read_only:
            raise ValueError("a unit of work either writes or is read-only")
        if read_only:
            return SerializedSession(
                bind=self._read_only_bind,
                expire_on_commit=False,
                autoflush=True,
                sync_session_class=ReadOnlySession,
                retry_stale=retry_stale,
            )
        bind = self._write_bind if write else self.engine
        return SerializedSession(
            bind=bind, expire_on_commit=False, autoflush=True, retry_stale=retry_stale
        )

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
