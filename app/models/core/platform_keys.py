"""Platform-side keys: a rule that spans partners, held by a small table of its own.

A tenant table is distributed by `partner_id` (see `app.models.core.distribution`), and a
distributed database can only enforce a unique rule that includes the distribution column. A
rule across partners ("a cloud account has one open association, whatever partner") lives in
a platform table whose primary key is the rule's key and whose row names the tenant row that
holds it (its partner and id). The row is written by the same flush, in the same transaction,
as the tenant row: a second attempt fails on the platform table's primary key exactly where it
used to fail on the tenant table's unique index.

`mirror` keeps one platform table in step with one tenant model through the ORM's flush
(insert, update of a watched column, delete), so every writer (services, demo data, tests)
keeps the rule without knowing of it. Bulk `UPDATE`/`DELETE` statements bypass the ORM: they
must not change a watched column (none does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Table, delete, event, insert, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper

Row = Callable[[Mapping[str, Any]], dict[str, Any] | None]


def _current(target: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(target, name) for name in names}


def _previous(target: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The values as they were before this flush (the watched columns load their old value
    when set: `active_history=True`)."""
    state = inspect(target)
    values = {}
    for name in names:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        else:
            values[name] = getattr(target, name)
    return values


def mirror(model: type[Any], table: Table, *, owner: str, watch: tuple[str, ...], row: Row) -> None:
    """Keep `table` in step with `model`: `row(values)` is the platform row a tenant row with
    these values holds (or None), `owner` the platform column holding the tenant row's id."""
    keys = tuple(c.name for c in table.primary_key.columns)

    def _delete(connection: Connection, target: Any, values: Mapping[str, Any]) -> None:
        held = row(values)
        if held is not None:
            connection.execute(
                delete(table).where(
                    *(table.c[k] == held[k] for k in keys), table.c[owner] == target.id
                )
            )

    def _insert(connection: Connection, target: Any) -> None:
        held = row(_current(target, watch))
        if held is not None:
            connection.execute(insert(table).values({**held, owner: target.id}))

    @event.listens_for(model, "after_insert")
    def _inserted(_: Mapper[Any], connection: Connection, target: Any) -> None:
        _insert(connection, target)

    @event.listens_for(model, "after_update")
    def _updated(_: Mapper[Any], connection: Connection, target: Any) -> None:
        state = inspect(target)
        if not any(state.attrs[name].history.has_changes() for name in watch):
            return
        before, after = row(_previous(target, watch)), row(_current(target, watch))
        if before == after:
            return
        _delete(connection, target, _previous(target, watch))
        _insert(connection, target)

    @event.listens_for(model, "after_delete")
    def _deleted(_: Mapper[Any], connection: Connection, target: Any) -> None:
        _delete(connection, target, _previous(target, watch))
