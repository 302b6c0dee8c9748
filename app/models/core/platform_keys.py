"""Platform-side keys: a rule that spans partners, held by a small table of its own.

A tenant table is distributed by `partner_id` (see `app.models.core.distribution`), and a
distributed database can only enforce a unique rule that includes the distribution column. A
rule across partners ("a cloud account has one open association, whatever partner") lives in
a platform table whose primary key is the rule's key and whose row names the tenant row that
holds it (its partner and id). The row is written by the same flush, in the same transaction,
as the tenant row: a second attempt fails on the platform table's primary key exactly where it
used to fail on the tenant table's unique index.

The same machinery keeps a platform-side copy of what a cross-partner read needs (which
registrations hold a company, which customer rows a cloud account has): there the platform
table is keyed by the tenant row itself, (`partner_id`, its id), and a change of a watched
column rewrites that row.

`mirror` keeps one platform table in step with one tenant model through the ORM's flush
(insert, update of a watched column, delete), so every writer (services, demo data, tests)
keeps the rule without knowing of it. Bulk `UPDATE`/`DELETE` statements bypass the ORM: one
that changes a watched column keeps the platform table in step itself, in the same
transaction (only the `registrations.expire` job does).
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
    these values holds (or None), `owner` the platform column holding the tenant row's id.

    When `owner` is part of `table`'s primary key, the platform row is keyed by the tenant
    row: its other key columns (`partner_id`) must be watched columns of the same name, and an
    update of any watched column deletes the row by that key and writes it again (so it needs
    no old value but the key's, which never changes).
    """
    keys = tuple(c.name for c in table.primary_key.columns)
    by_owner = owner in keys
    if by_owner and not set(keys) - {owner} <= set(watch):
        raise ValueError(f"{table.name}: key columns {keys} must be watched or be {owner!r}")

    def _delete(connection: Connection, target: Any, values: Mapping[str, Any]) -> None:
        if by_owner:
            match = {k: values[k] for k in keys if k != owner}
        else:
            held = row(values)
            if held is None:
                return
            match = {k: held[k] for k in keys}
        connection.execute(
            delete(table).where(
                *(table.c[k] == v for k, v in match.items()), table.c[owner] == target.id
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
        if not by_owner and row(_previous(target, watch)) == row(_current(target, watch)):
            return
        _delete(connection, target, _previous(target, watch))
        _insert(connection, target)

    @event.listens_for(model, "after_delete")
    def _deleted(_: Mapper[Any], connection: Connection, target: Any) -> None:
        _delete(connection, target, _previous(target, watch))
