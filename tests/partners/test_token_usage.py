"""`lastUsedAt` written off the requests' path: batched per process, one UPDATE for many
tokens, never backwards, and flushed at shutdown. (tests/partners/test_auth.py covers what a
client sees with the suite's per-response writes.)"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from app.main import create_app
from app.models import ApiToken
from app.models.partners.enums import Role
from app.services.partners.token_usage import TokenUsage
from app.services.partners.tokens import hash_token
from tests.conftest import NOW
from tests.factories import gql, make_partner, make_user, token_for

VIEWER = "{ viewer { kind } }"


async def last_used_at(session, token: str):
    return await session.scalar(
        select(ApiToken.last_used_at)
        .where(ApiToken.token_hash == hash_token(token))
        .execution_options(populate_existing=True)
    )


async def token_ids(session, *tokens: str) -> list[int]:
    return [
        await session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(t)))
        for t in tokens
    ]


async def some_tokens(session, n: int) -> list[str]:
    user = await make_user(session, await make_partner(session), Role.VIEWER)
    return [await token_for(session, user) for _ in range(n)]


@pytest.fixture
def batched(db, settings):
    """An app whose uses are written only when the test flushes them (a long interval)."""
    app = create_app(settings.model_copy(update={"token_last_used_flush_seconds": 3600}), db)
    return app


async def test_a_request_records_its_use_and_writes_nothing(batched, session, statements):
    # given
    [token] = await some_tokens(session, 1)
    usage: TokenUsage = batched.state.principals.usage
    transport = httpx.ASGITransport(app=batched)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            # when
            statements.active = True
            await gql(client, VIEWER, token=token)
            statements.active = False

            # then: the request wrote nothing; the use waits for the flush
            assert not any(s.lstrip().upper().startswith("UPDATE") for s in statements.statements)
            assert await last_used_at(session, token) is None
            assert list(usage.pending) == await token_ids(session, token)

            assert await usage.flush() == 1
            assert await last_used_at(session, token) == NOW
            assert usage.pending == {}
    finally:
        await usage.close()


async def test_one_update_writes_every_use_with_its_own_time(db, session, statements):
    # given three tokens used at different times
    tokens = await some_tokens(session, 3)
    ids = await token_ids(session, *tokens)
    usage = TokenUsage(db, 0)
    for n, token_id in enumerate(ids):
        usage.record(token_id, NOW + timedelta(minutes=n))
    usage.record(ids[0], NOW - timedelta(minutes=5))  # an older use changes nothing

    # when
    statements.active = True
    assert await usage.flush() == 3
    statements.active = False

    # then
    updates = [s for s in statements.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1
    for n, token in enumerate(tokens):
        assert await last_used_at(session, token) == NOW + timedelta(minutes=n)


async def test_a_flush_never_moves_last_used_at_backwards(db, session):
    # given a token another process saw later than this one did
    [token] = await some_tokens(session, 1)
    [token_id] = await token_ids(session, token)
    later = TokenUsage(db, 0)
    later.record(token_id, NOW + timedelta(hours=1))
    await later.flush()

    # when
    usage = TokenUsage(db, 0)
    usage.record(token_id, NOW)
    await usage.flush()

    # then
    assert await last_used_at(session, token) == NOW + timedelta(hours=1)


async def test_shutdown_writes_what_is_left(batched, session):
    # given a use recorded and not flushed yet
    [token] = await some_tokens(session, 1)
    transport = httpx.ASGITransport(app=batched)
    client = httpx.AsyncClient(transport=transport, base_url="http://test")
    async with client, batched.router.lifespan_context(batched):
        await gql(client, VIEWER, token=token)
        assert await last_used_at(session, token) is None

    # then the lifespan's end wrote it
    assert await last_used_at(session, token) == NOW


async def test_the_timer_writes_the_uses_every_interval(db, session):
    # given a short interval
    [token] = await some_tokens(session, 1)
    [token_id] = await token_ids(session, token)
    usage = TokenUsage(db, 0.01)

    # when a use is recorded, and the test leaves the connection to the timer
    usage.record(token_id, NOW)
    deadline = time.monotonic() + 10
    while usage.pending or not usage.idle:
        assert time.monotonic() < deadline, "the timer never wrote"
        await asyncio.sleep(0.01)

    # then
    assert await last_used_at(session, token) == NOW
    await usage.close()


async def test_a_failed_write_keeps_the_uses_for_the_next_flush():
    class Unreachable:
        def session(self, **_options):
            raise ConnectionError("the database is down")

    usage = TokenUsage(Unreachable(), 0)
    usage.record(7, NOW)

    assert await usage.flush() == 0
    assert usage.pending == {7: NOW}
