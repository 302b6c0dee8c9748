"""A query's unit of work is read-only: no BEGIN/COMMIT round trips (PostgreSQL), and a write
through it fails; a mutation's is one transaction, as before. With the principal cache, the
smallest authenticated query sends nothing to the database at all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import asyncpg.transaction
import httpx
import pytest
from sqlalchemy import event, func, insert, select, update

from app.db import Database, ReadOnlyUnitOfWork
from app.main import create_app
from app.models import ApiToken, Partner
from app.models.partners.enums import Role
from tests import committed_postgres
from tests.conftest import NOW
from tests.factories import gql, make_partner, make_user, token_for

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL tests

SMALLEST = "{ viewer { kind } }"  # the benchmark's query D
SETTINGS = (
    "mutation { updatePartnerSettings(input: {salesSeeAllCustomers: true}) "
    "{ userErrors { code } } }"
)


async def test_a_read_only_unit_of_work_refuses_to_write(db, session):
    partner = await make_partner(session)

    reader = db.session(read_only=True)
    try:
        loaded = await reader.get(Partner, partner.id)
        loaded.name = "changed"
        with pytest.raises(ReadOnlyUnitOfWork):
            await reader.flush()
    finally:
        await reader.end(commit=False)

    for statement in (
        update(Partner).where(Partner.id == partner.id).values(name="changed"),
        update(ApiToken).values(revoked_at=NOW),  # a table whose changes other hooks watch
        insert(Partner).values(name="x"),
    ):
        reader = db.session(read_only=True)
        try:
            with pytest.raises(ReadOnlyUnitOfWork):
                await reader.execute(statement)
        finally:
            await reader.end(commit=False)
    assert await session.scalar(select(func.count()).where(ApiToken.revoked_at.is_not(None))) == 0


def test_a_unit_of_work_is_either_writing_or_read_only(database):
    with pytest.raises(ValueError):
        database.session(write=True, read_only=True)


@dataclass
class RoundTrips:
    """What a database receives: statements, and BEGIN/COMMIT/ROLLBACK (asyncpg sends those
    itself, outside SQLAlchemy's statement events)."""

    statements: list[str] = field(default_factory=list)
    transactions: list[str] = field(default_factory=list)
    active: bool = False

    def reset(self) -> None:
        self.statements.clear()
        self.transactions.clear()

    @property
    def total(self) -> int:
        return len(self.statements) + len(self.transactions)


@pytest.fixture
def round_trips(monkeypatch) -> Iterator[RoundTrips]:
    seen = RoundTrips()
    for name in ("start", "commit", "rollback"):
        original = getattr(asyncpg.transaction.Transaction, name)

        def counting(self, *args, _name=name, _original=original):
            if seen.active:
                seen.transactions.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(asyncpg.transaction.Transaction, name, counting)
    yield seen


@pytest.fixture
def counted(round_trips) -> Iterator[Callable[[Database], None]]:
    """Count the statements of a database (while `round_trips.active`)."""
    listeners = []

    def on(database: Database) -> None:
        def sent(*args) -> None:
            if round_trips.active:
                round_trips.statements.append(args[2])

        event.listen(database.engine.sync_engine, "before_cursor_execute", sent)
        listeners.append((database, sent))

    yield on
    for database, sent in listeners:
        event.remove(database.engine.sync_engine, "before_cursor_execute", sent)


async def measure(settings, committed, round_trips, counted, query: str, **options) -> RoundTrips:
    """Round trips of `query`'s second run (after one warm-up) on an app with `options`."""
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        token = await token_for(session, await make_user(session, partner, Role.ADMIN))
        await session.commit()
    database = Database(settings.model_copy(update=options))
    counted(database)
    app = create_app(settings.model_copy(update=options), database=database)
    principals = app.state.principals
    principals.start()
    try:
        if principals.listener is not None:
            await asyncio.wait_for(principals.listener.connected.wait(), 10)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await gql(client, SMALLEST, token=token)
            round_trips.reset()
            round_trips.active = True
            body = await gql(client, query, token=token)
            round_trips.active = False
            assert "errors" not in body, body
    finally:
        await principals.close()
        await database.dispose()
    return RoundTrips(list(round_trips.statements), list(round_trips.transactions))


async def test_the_smallest_query_sends_nothing_with_the_cache(
    committed, settings, round_trips, counted
):
    seen = await measure(settings, committed, round_trips, counted, SMALLEST)
    assert (seen.statements, seen.transactions) == ([], [])


async def test_without_the_cache_a_query_is_its_token_lookup_alone(
    committed, settings, round_trips, counted
):
    seen = await measure(settings, committed, round_trips, counted, SMALLEST, principal_cache=False)
    assert len(seen.statements) == 1 and "api_tokens" in seen.statements[0]
    assert seen.transactions == []  # no BEGIN, no COMMIT


async def test_with_both_off_a_query_is_one_transaction_as_before(
    committed, settings, round_trips, counted
):
    seen = await measure(
        settings,
        committed,
        round_trips,
        counted,
        SMALLEST,
        principal_cache=False,
        read_only_autocommit=False,
    )
    assert len(seen.statements) == 1
    assert seen.transactions == ["start", "commit"]


async def test_a_mutation_is_still_one_transaction(committed, settings, round_trips, counted):
    seen = await measure(settings, committed, round_trips, counted, SETTINGS)
    assert seen.transactions[0] == "start" and seen.transactions[-1] == "commit"
    assert any(s.lstrip().upper().startswith("UPDATE") for s in seen.statements)


async def test_the_smallest_query_builds_no_loaders(client, session, monkeypatch):
    """Loaders are built on a request's first nested read, not for every request."""
    from app.loaders import Loaders

    built: list[object] = []
    original = Loaders.__init__

    def counting(self, ctx):
        built.append(self)
        original(self, ctx)

    monkeypatch.setattr(Loaders, "__init__", counting)
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.VIEWER))
    await session.commit()

    body = await gql(client, SMALLEST, token=token)
    assert body == {"data": {"viewer": {"kind": "PARTNER_USER"}}}
    assert built == []

    body = await gql(
        client,
        "{ customers(first: 1) { nodes { id account { balance { amount } } } } }",
        token=token,
    )
    assert "errors" not in body
    assert len(built) == 1
