"""Invalidations from the other processes: PostgreSQL `LISTEN`, one connection per process.

Each serving process keeps one connection of its own (outside the pool) that listens on
`principal_changes.CHANNEL`; a notification names the tags a committed transaction changed
(`principal_cache.encode`) and empties them from the process's cache. PostgreSQL delivers a
notification to every listener once its transaction commits, so a token revoked through one
worker stops working on the others within milliseconds.

A notification sent while a process is not listening is lost to it, so the cache is live only
while the connection is: it is emptied and unused from the moment the connection is lost (a
database restart, a network cut, a check that gets no answer) until it is listening again, and
emptied once more then. Meanwhile every request looks its token up, as without the cache. The
connection is checked every `principal_listener_check_seconds`; reconnecting backs off from
that interval to ten times it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from app.services.core import principal_cache
from app.services.core.principal_cache import PrincipalCache
from app.services.core.principal_changes import CHANNEL

log = logging.getLogger("app.principals")

Connect = Callable[[], Awaitable[Any]]


def asyncpg_dsn(database_url: str) -> str:
    """The libpq-style DSN asyncpg takes, from the application's SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


class PrincipalListener:
    """Keeps `cache` live while a LISTEN connection to `database_url` is up."""

    def __init__(
        self,
        database_url: str,
        cache: PrincipalCache,
        *,
        check_seconds: float,
        connect: Connect | None = None,
    ) -> None:
        dsn = asyncpg_dsn(database_url)
        self.cache = cache
        self.check_seconds = check_seconds
        self._connect = connect or (lambda: asyncpg.connect(dsn))
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.connections = 0  # how many times it has started listening
        self.notifications = 0
        self.backend_pid: int | None = None

    def start(self) -> None:
        """Start listening in the background (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop listening; the cache is left empty and unused."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.cache.suspend()

    async def _run(self) -> None:
        delay = self.check_seconds
        while True:
            try:
                connection = await asyncio.wait_for(self._connect(), self.check_seconds * 2)
            except Exception as error:  # whatever it is, the cache stays off and we retry
                log.warning("principal cache: cannot listen (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.check_seconds * 10)
                continue
            try:
                await self._listen(connection)
                delay = self.check_seconds
            except Exception as error:
                log.warning("principal cache: listening stopped (%r)", error)
            finally:
                self.connected.clear()
                self.cache.suspend()
                connection.terminate()
            await asyncio.sleep(min(delay, 0.2))

    async def _listen(self, connection: Any) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANNEL, self._notified)
        # listening from here on: whatever commits next reaches us, what came before is gone
        self.cache.resume()
        self.backend_pid = connection.get_server_pid()
        self.connections += 1
        self.connected.set()
        log.info("principal cache: listening on %s", CHANNEL)
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self.check_seconds)
                break
            await asyncio.wait_for(connection.fetchval("SELECT 1"), self.check_seconds)

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self.notifications += 1
        self.cache.invalidate(principal_cache.decode(payload))
