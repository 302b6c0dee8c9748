"""The tenant-keys migration moves existing data to the new keys (SQLite and PostgreSQL):
seeded demo data is taken back to the revision before it and migrated forward again; every
row survives, every tenant key starts with `partner_id`, the foreign keys between tenant tables
carry it, and new ids continue after the highest one."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from alembic import command
from app.migrate import alembic_config
from app.models import Base
from app.models.core.distribution import Placement, tables_of
from app.models.core.ids import sequenced
from tests.cli_databases import run
from tests.core.migration_helpers import query, scratch_postgres

__all__ = ["scratch_postgres"]  # a fixture

BEFORE = "bd6db7f255b6"  # the revision before the tenant keys
TENANT_KEYS = "7d2e9b41c5a8"
TENANT = tables_of(Placement.TENANT, Base.metadata)
SEQUENCED = [name for name in TENANT if sequenced(Base.metadata.tables[name])]


def keys(url: str) -> dict[str, tuple[list[str], list[tuple[list[str], str, list[str]]]]]:
    """Each tenant table's primary key and foreign keys, as the database reports them (the
    tables it has: those of later migrations are missing before them)."""

    def read(connection):
        inspector = inspect(connection)
        present = set(inspector.get_table_names())
        return {
            name: (
                inspector.get_pk_constraint(name)["constrained_columns"],
                sorted(
                    (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
                    for fk in inspector.get_foreign_keys(name)
                ),
            )
            for name in TENANT
            if name in present
        }

    async def work():
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(work())


def columns_of(url: str) -> dict[str, list[str]]:
    """The columns of each tenant table the database has (in the models' order)."""

    def read(connection):
        inspector = inspect(connection)
        present = set(inspector.get_table_names())
        return {
            name: [c["name"] for c in inspector.get_columns(name)]
            for name in TENANT
            if name in present
        }

    async def work():
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    found = asyncio.run(work())
    return {
        name: [c.name for c in Base.metadata.tables[name].columns if c.name in have]
        for name, have in found.items()
    }


def rows(url: str, columns: dict[str, list[str]]) -> list[set[tuple]]:
    """Every row of the tables in `columns` (those columns) as text (lists and JSON
    included), by table."""
    cast = "CAST({} AS TEXT)" if url.startswith("postgresql") else "{}"
    return query(
        url,
        *(
            f"SELECT {', '.join(cast.format(c) for c in columns[name])} FROM {name}"
            for name in columns
        ),
    )


def check_move(url: str) -> None:
    # given seeded data at the head
    after_keys = keys(url)

    # when the database goes back before the tenant keys (and the tables of later migrations)
    command.downgrade(alembic_config(url), TENANT_KEYS)  # the data as the migration left it
    moved = columns_of(url)  # what the migration moves: its tables, as they were then
    before = rows(url, moved)
    command.downgrade(alembic_config(url), BEFORE)
    old = keys(url)
    assert sum(map(len, before)) > 100
    assert old["orders"][0] == ["id"]
    assert (["customer_id"], "customers", ["id"]) in old["orders"][1]
    assert rows(url, moved) == before

    # and forward again
    command.upgrade(alembic_config(url), "head")

    # then every row is there, under the new keys
    assert rows(url, moved) == before
    assert keys(url) == after_keys
    for name, (primary, foreign) in after_keys.items():
        assert primary[0] == "partner_id", name
        for columns, referred, referred_columns in foreign:
            if referred in TENANT:
                assert columns[0] == "partner_id" and referred_columns == ["partner_id", "id"]
    assert after_keys["orders"][0] == ["partner_id", "id"]
    assert (["partner_id", "customer_id"], "customers", ["partner_id", "id"]) in after_keys[
        "orders"
    ][1]


def test_move_on_sqlite(seeded_cli_database):
    url = seeded_cli_database.url
    check_move(url)
    # SQLite's sequences continue after each table's highest id
    (sequences,) = query(url, "SELECT table_name, last_id FROM id_sequences")
    highest = query(url, *(f"SELECT '{n}', coalesce(max(id), 0) FROM {n}" for n in SEQUENCED))
    assert dict(sequences) == {name: top for ((name, top),) in highest}
    assert dict(sequences)["orders"] > 0  # the demo data has orders


def test_move_on_postgresql(scratch_postgres):
    run("migrate")
    run("seed-demo")
    check_move(scratch_postgres)
