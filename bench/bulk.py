"""Bulk writes for the benchmark generator: COPY on PostgreSQL, plain inserts on SQLite.

`copy_rows` takes rows of *stored* values (integers of minor units, enum values as text,
aware datetimes), in the table's column order given: on PostgreSQL they go through asyncpg's
binary COPY (the only way to write 2,000,000 rows in about a minute); on SQLite, where the
generator only runs tiny data sets (the tests), through one `executemany` with the values
converted the way SQLAlchemy stores them there. `insert_returning` is a Core insert through
the models' own types that answers the new ids in the order of the rows given (SQLite takes
them from `id_sequences` first, like every Core insert of the app).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.core.ids import fill_ids, sequenced


def _sqlite_value(value: Any) -> Any:
    """A stored value as SQLAlchemy writes it to SQLite (naive UTC timestamps as text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def copy_rows(
    conn: AsyncConnection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Write `rows` (stored values, in `columns` order) to `table`; ids come from its default."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=rows, columns=list(columns)
        )
        return
    names = list(columns)
    values = [[_sqlite_value(v) for v in row] for row in rows]
    if sequenced(table) and "id" not in names:  # a composite key's id: SQLite won't fill it
        mappings: list[dict[str, Any]] = [{} for _ in values]
        await conn.run_sync(lambda sync: fill_ids(sync, table, mappings))
        names.append("id")
        for row, mapping in zip(values, mappings, strict=True):
            row.append(mapping["id"])
    marks = ", ".join("?" for _ in names)
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
    await conn.exec_driver_sql(statement, [tuple(row) for row in values])


async def insert_returning(
    conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert `rows` (model values: Decimals, enums) and answer their ids, in order."""
    if not rows:
        return []
    await conn.run_sync(lambda sync: fill_ids(sync, table, rows))
    result = await conn.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars().all())
