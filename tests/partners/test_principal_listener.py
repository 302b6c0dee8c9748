"""Across processes (PostgreSQL): a token revoked anywhere stops working within a second on
every worker; a worker that stops listening answers nothing from its cache until it listens
again; a pooled connection the server dropped does not fail a request answered from the cache.

The data is committed (another process must see it), so the tests truncate every table after
themselves (`committed`). Two app instances each have their own `Database` and listener;
the change comes from a third process, the console, so that nothing but PostgreSQL's
notifications can reach them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
from sqlalchemy import event, text
from starlette.applications import Starlette

from app.db import Database
from app.main import create_app
from app.models.partners.enums import Role
from app.services.core.principal_listener import PrincipalListener, asyncpg_dsn
from app.services.partners.tokens import hash_token
from tests import committed_postgres
from tests.factories import make_partner, make_user, token_for

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL tests

VIEWER = "{ viewer { kind } }"
PARTNER = "{ viewer { kind partner { name } } }"
REVOCATION_DEADLINE = 1.0  # the promise: a revoked token stops working within a second
SETUP_DEADLINE = 10.0  # for what takes a process or a connection to come up


@dataclass
class Worker:
    app: Starlette
    client: httpx.AsyncClient
    database: Database

    @property
    def listener(self) -> PrincipalListener:
        return self.app.state.principals.listener

    def holds(self, token: str) -> bool:
        return self.app.state.principals.cache.get(hash_token(token)) is not None

    async def status(self, token: str, query: str = VIEWER) -> int:
        response = await self.client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code


@asynccontextmanager
async def worker(database: Database, settings) -> AsyncIterator[Worker]:
    app = create_app(settings, database=database)
    principals = app.state.principals
    principals.start()
    try:
        await asyncio.wait_for(principals.listener.connected.wait(), SETUP_DEADLINE)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Worker(app, client, database)
    finally:
        await principals.close()


@pytest.fixture
async def workers(committed, settings) -> AsyncIterator[tuple[Worker, Worker]]:
    second = Database(settings)  # a pool of its own, as another process would have
    try:
        async with worker(committed, settings) as a, worker(second, settings) as b:
            yield a, b
    finally:
        await second.dispose()


async def committed_token(database: Database, role: Role = Role.FINANCE) -> str:
    async with database.session(write=True) as session:
        partner = await make_partner(session)
        token = await token_for(session, await make_user(session, partner, role))
        await session.commit()
    return token


async def console(settings, *args: str) -> None:
    """Run a console command in a process of its own, as an operator would."""
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()


async def refused_within(worker: Worker, token: str, seconds: float) -> bool:
    """Whether `worker` refuses `token` before `seconds` have passed (polling)."""
    deadline = time.monotonic() + seconds
    while True:
        if await worker.status(token) == 401:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.005)


def statements_of(database: Database) -> list[str]:
    sent: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return sent


async def test_a_token_revoked_by_another_process_stops_working_on_every_worker(workers, settings):
    # given a token both workers answer from their caches
    a, b = workers
    token = await committed_token(a.database)
    for w in (a, b):
        assert await w.status(token) == 200
        assert w.holds(token)
    sent = statements_of(b.database)
    assert await b.status(token) == 200
    assert sent == []  # answered without a statement

    # when the console revokes it
    await console(settings, "revoke-token", "--token", token)

    # then both refuse it within a second: told by PostgreSQL, nothing else
    assert await refused_within(a, token, REVOCATION_DEADLINE)
    assert await refused_within(b, token, REVOCATION_DEADLINE)
    assert a.listener.notifications >= 1 and b.listener.notifications >= 1


async def test_a_raw_change_announced_with_pg_notify_reaches_every_worker(workers):
    # given a token held by worker b
    a, b = workers
    token = await committed_token(a.database)
    admin = await committed_token(a.database, Role.ADMIN)
    assert await b.status(token) == 200 and b.holds(token)

    # when an operator revokes it with SQL (no ORM hook sees that) and says so, as
    # docs/operations.md tells
    cache_of_b = b.app.state.principals.cache
    before = b.listener.notifications
    async with a.database.session(write=True) as session:
        result = await session.execute(
            text("UPDATE api_tokens SET revoked_at = now() WHERE token_hash = :h"),
            {"h": hash_token(token)},
        )
        assert result.rowcount == 1
        # a raw statement names no tag: tell the workers as an operator would
        await session.execute(text("SELECT pg_notify('partner_console_principals', '*')"))
        await session.commit()

    # then
    assert await refused_within(b, token, REVOCATION_DEADLINE)
    assert b.listener.notifications > before
    assert len(cache_of_b) <= 1  # emptied (the admin's token may have been stored since)
    assert await b.status(admin) == 200


async def test_a_worker_that_is_not_listening_answers_nothing_from_its_cache(committed, settings):
    # given a worker whose listener will reconnect only when the test lets it
    allowed = asyncio.Event()
    dsn = asyncpg_dsn(settings.database_url)
    attempts = 0

    async def connect():
        nonlocal attempts
        attempts += 1
        if attempts > 1:
            await allowed.wait()
        return await asyncpg.connect(dsn)

    app = create_app(settings, database=committed)
    principals = app.state.principals
    principals.listener = PrincipalListener(
        settings.database_url, principals.cache, check_seconds=0.2, connect=connect
    )
    principals.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            w = Worker(app, client, committed)
            await asyncio.wait_for(w.listener.connected.wait(), SETUP_DEADLINE)
            token = await committed_token(committed)
            assert await w.status(token) == 200 and w.holds(token)

            # when its LISTEN connection is cut (what a database restart does)
            await terminate(settings, w.listener.backend_pid)
            await until(lambda: not principals.cache.live)

            # then its cache is empty and unused: a token revoked meanwhile (whose
            # notification it cannot get) is refused at once
            assert len(principals.cache) == 0
            await console(settings, "revoke-token", "--token", token)
            assert await w.status(token) == 401
            other = await committed_token(committed)
            assert await w.status(other) == 200 and not w.holds(other)

            # and once it listens again, it caches again, starting empty
            allowed.set()
            await until(lambda: w.listener.connections == 2 and principals.cache.live)
            assert await w.status(other) == 200 and w.holds(other)
    finally:
        await principals.close()


async def test_a_dropped_pooled_connection_does_not_fail_a_request_answered_from_the_cache(
    committed, settings
):
    database = Database(settings)  # one pooled connection, which the test drops
    try:
        async with worker(database, settings) as w:
            token = await committed_token(database)
            assert await w.status(token, PARTNER) == 200 and w.holds(token)
            async with database.session() as session:
                name = await session.scalar(text("SELECT name FROM partners"))
            async with database.session() as session:
                pid = int(await session.scalar(text("SELECT pg_backend_pid()")))
            await terminate(settings, pid)

            # the request's first statement is its own read (the token comes from the cache)
            response = await w.client.post(
                "/graphql", json={"query": PARTNER}, headers={"Authorization": f"Bearer {token}"}
            )
            body = response.json()
            assert "errors" not in body, body
            assert body["data"] == {"viewer": {"kind": "PARTNER_USER", "partner": {"name": name}}}
    finally:
        await database.dispose()


async def terminate(settings, pid: int | None) -> None:
    assert pid is not None
    admin = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def until(condition, seconds: float = SETUP_DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)
