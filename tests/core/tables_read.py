"""Which tables a statement names, and which a block of service code reads.

The reads that span partners must touch only PLATFORM and REFERENCE tables
(`app.models.core.distribution`): these helpers list the tables so a test can say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import visitors

from app.models.core.distribution import Placement, placement


def table_names(statement: Any) -> set[str]:
    """Every table `statement` names, in subqueries and joins too."""
    return {node.name for node in visitors.iterate(statement) if isinstance(node, Table)}


def tenant_tables(names: set[str]) -> set[str]:
    return {name for name in names if placement(name) == Placement.TENANT}


@contextmanager
def tables_read(session: AsyncSession) -> Iterator[set[str]]:
    """The names of the tables the statements executed on `session` name, while inside."""
    seen: set[str] = set()

    def record(state: Any) -> None:
        seen.update(table_names(state.statement))

    event.listen(session.sync_session, "do_orm_execute", record)
    try:
        yield seen
    finally:
        event.remove(session.sync_session, "do_orm_execute", record)
