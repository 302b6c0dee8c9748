"""How a tenant row gets its id: one sequence per table, on both databases.

A tenant table's primary key is `(partner_id, id)` (`docs/operations.md`, "Sharding"), and
`id` stays unique per table on its own, so a global id (`Customer:42`) names one row:

- PostgreSQL draws `id` from the column's own sequence (the `BIGSERIAL` default, kept beside
  the composite key); the insert's `RETURNING` hands it to the ORM.
- SQLite has no sequences, and a column in a composite primary key isn't an alias of the rowid,
  so nothing fills it. `id_sequences` holds each table's last id: before a flush inserts rows,
  `allocate` takes a block of ids for each table from it in one statement, inside the flush's
  transaction, which already holds SQLite's write lock (`BEGIN IMMEDIATE`), so two writers can't
  take the same block. Core inserts call `fill_ids` for the same reason.

A rolled-back transaction gives its block back on SQLite and leaves a gap on PostgreSQL; ids
are never reused while a row holds them, on either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, MutableMapping
from typing import Any

from sqlalchemy import BigInteger, String, Table, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from app.models.core.base import Base


class IdSequence(Base):
    """The last id taken from one table on SQLite (unused on PostgreSQL)."""

    __tablename__ = "id_sequences"

    table_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)


def sequenced(table: Table) -> bool:
    """Whether `table`'s `id` comes from a sequence beside a composite primary key."""
    column = table.autoincrement_column
    return column is not None and column.name == "id" and len(table.primary_key.columns) > 1


TAKE = text(
    "UPDATE id_sequences SET last_id = last_id + :n WHERE table_name = :t RETURNING last_id"
)


def _seed(table: str) -> Any:
    """A missing row (a new table, or one an operator emptied) starts after the table's
    highest id, so an id still held is never taken again."""
    return text(
        f"INSERT INTO id_sequences (table_name, last_id) "
        f"SELECT :t, coalesce(max(id), 0) + :n FROM {table} RETURNING last_id"
    )


def _block(count: int, last: int) -> range:
    return range(last - count + 1, last + 1)


def allocate(connection: Connection, table: str, count: int) -> range:
    """`count` new ids of `table` (SQLite)."""
    params = {"n": count, "t": table}
    last = connection.execute(TAKE, params).scalar()
    if last is None:
        last = connection.execute(_seed(table), params).scalar_one()
    return _block(count, last)


def fill_ids(
    connection: Connection, table: Table, rows: Iterable[MutableMapping[str, Any]]
) -> None:
    """Give each row without an id one from `table`'s sequence (SQLite; a no-op elsewhere)."""
    if connection.dialect.name != "sqlite" or not sequenced(table):
        return
    missing = [row for row in rows if row.get("id") is None]
    if missing:
        for row, new_id in zip(
            missing, allocate(connection, table.name, len(missing)), strict=True
        ):
            row["id"] = new_id


async def fill_new_ids(
    session: AsyncSession, table: Table, rows: Iterable[MutableMapping[str, Any]]
) -> None:
    """`fill_ids` for a Core insert through an async session."""
    if session.get_bind().dialect.name != "sqlite" or not sequenced(table):
        return
    missing = [row for row in rows if row.get("id") is None]
    if missing:
        params = {"n": len(missing), "t": table.name}
        last = await session.scalar(TAKE, params)
        if last is None:
            last = (await session.execute(_seed(table.name), params)).scalar_one()
        for row, new_id in zip(missing, _block(len(missing), last), strict=True):
            row["id"] = new_id


@event.listens_for(Session, "before_flush")
def _assign_ids(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if not session.new:
        return
    waiting: dict[Table, list[Any]] = defaultdict(list)
    for obj in session.new:
        table = inspect(obj).mapper.local_table
        if isinstance(table, Table) and sequenced(table) and obj.id is None:
            waiting[table].append(obj)
    if not waiting:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    for table, objs in sorted(waiting.items(), key=lambda item: item[0].name):
        objs.sort(key=lambda obj: inspect(obj).insert_order)  # ids in the order rows were added
        for obj, new_id in zip(objs, allocate(connection, table.name, len(objs)), strict=True):
            obj.id = new_id
