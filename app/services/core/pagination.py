"""Keyset (cursor) pagination on (sort key, id), forward and backward, flat or per parent.

A cursor is opaque to clients: base64url of `[ordering tag, sort value, id]`. The tag ties a
cursor to the ordering it came from, so a cursor from another ordering is rejected instead of
silently skipping rows. Nullable sort keys sort NULLS LAST ascending (NULLS FIRST descending),
so a descending page is exactly an ascending one reversed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.services.core.errors import BadRequest
from app.services.core.text import text_problem
from app.settings import get_settings


class Direction(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Validated `first`/`after`/`last`/`before` arguments."""

    limit: int
    backward: bool
    cursor: str | None

    @classmethod
    def from_args(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> PageRequest:
        settings = get_settings()
        maximum = settings.max_page_size
        if first is not None and last is not None:
            raise BadRequest("Pass either `first` or `last`, not both.")
        if after is not None and before is not None:
            raise BadRequest("Pass either `after` or `before`, not both.")
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 1 <= value <= maximum:
                raise BadRequest(f"`{name}` must be between 1 and {maximum}; got {value}.")
        if last is not None or (before is not None and first is None):
            if after is not None:
                raise BadRequest("`after` goes with `first`; use `before` with `last`.")
            return cls(limit=last or settings.default_page_size, backward=True, cursor=before)
        if before is not None:
            raise BadRequest("`before` goes with `last`; use `after` with `first`.")
        return cls(limit=first or settings.default_page_size, backward=False, cursor=after)


@dataclass(frozen=True, slots=True)
class Ordering:
    """A sort key plus the id tie-breaker. `tag` names it inside cursors."""

    tag: str
    column: Any
    id_column: Any
    direction: Direction = Direction.ASC
    nullable: bool = False

    @property
    def cursor_tag(self) -> str:
        return f"{self.id_column.table.name}.{self.tag}:{self.direction.value}"

    @property
    def value_type(self) -> type:
        """The Python type of the sort key (what a cursor's value must be)."""
        return self.column.type.python_type


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):  # money: exact, as text (a JSON number would round)
        return {"n": str(value)}
    return value


MAX_ID = 2**63 - 1
MIN_INT = -(2**63)
MAX_DECIMAL_TEXT = 40
MAX_CURSOR_LENGTH = 1024  # a real cursor is well under 200 characters
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


def _decode_value(ordering: Ordering, value: Any) -> Any:
    """The sort value, checked against the ordering's column (a tampered cursor is refused):
    of the column's type, within what the database stores (64-bit integers, text without NUL
    or lone surrogates, dates and times a UTC column can hold)."""
    if value is None:
        if ordering.nullable:
            return None
        raise ValueError("null sort value")
    expected = ordering.value_type
    if expected is datetime:
        if not (isinstance(value, dict) and set(value) == {"t"} and isinstance(value["t"], str)):
            raise ValueError("not a timestamp")
        moment = datetime.fromisoformat(value["t"])
        if moment.tzinfo is None:
            raise ValueError("naive timestamp")
        return moment.astimezone(UTC)  # OverflowError beyond year 1-9999 in UTC
    if expected is date:
        if not (isinstance(value, dict) and set(value) == {"d"} and isinstance(value["d"], str)):
            raise ValueError("not a date")
        return date.fromisoformat(value["d"])
    if expected is Decimal:
        if not (isinstance(value, dict) and set(value) == {"n"} and isinstance(value["n"], str)):
            raise ValueError("not a decimal")
        if len(value["n"]) > MAX_DECIMAL_TEXT:
            raise ValueError("decimal too long")
        try:
            number = Decimal(value["n"])
        except InvalidOperation as exc:
            raise ValueError("not a decimal") from exc
        scale = getattr(ordering.column.type, "scale", None) or 0
        if not number.is_finite() or abs(number.scaleb(scale)) > MAX_ID:
            raise ValueError("decimal out of range")
        if number != round(number, scale):
            raise ValueError("more decimal places than the column holds")
        return number
    if expected is str and isinstance(value, str):
        if text_problem(value):
            raise ValueError("text the column cannot hold")
        return value
    if expected is int and isinstance(value, int) and not isinstance(value, bool):
        if not MIN_INT <= value <= MAX_ID:
            raise ValueError("integer beyond 64 bits")
        return value
    raise ValueError("wrong sort value type")


def encode_cursor(ordering: Ordering, sort_value: Any, row_id: int) -> str:
    raw = json.dumps(
        [ordering.cursor_tag, _encode_value(sort_value), row_id], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(ordering: Ordering, cursor: str) -> tuple[Any, int]:
    """The (sort value, id) inside `cursor`; `BadRequest` if it is malformed or foreign."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
            raise ValueError("not base64url")
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(decoded, list) or len(decoded) != 3:
            raise ValueError("not a cursor")
        tag, value, row_id = decoded
        if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 < row_id <= MAX_ID:
            raise ValueError("bad id")
        if not isinstance(tag, str):
            raise ValueError("bad tag")
        if tag == ordering.cursor_tag:
            value = _decode_value(ordering, value)
    except (
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
        binascii.Error,
        UnicodeDecodeError,
    ) as exc:
        shown = cursor if len(cursor) <= 80 else cursor[:77] + "..."
        raise BadRequest(f"Malformed cursor {shown!r}.") from exc
    if tag != ordering.cursor_tag:
        raise BadRequest(
            f"The cursor {cursor!r} belongs to another ordering; "
            "start again without a cursor when you change `orderBy`."
        )
    return value, row_id


def _after(ordering: Ordering, value: Any, row_id: int, ascending: bool) -> ColumnElement[bool]:
    """Rows strictly after (value, id) in the scan direction."""
    col, id_col = ordering.column, ordering.id_column
    if not ordering.nullable:
        # bound with the columns' types (a tuple does not infer them: money is integer cents
        # on SQLite)
        bound = tuple_(literal(value, col.type), literal(row_id, id_col.type))
        if ascending:
            return tuple_(col, id_col) > bound
        return tuple_(col, id_col) < bound
    # Total order: non-null values ascending, then NULLs, each tie broken by id.
    if ascending:
        if value is None:
            return and_(col.is_(None), id_col > row_id)
        return or_(col.is_(None), col > value, and_(col == value, id_col > row_id))
    if value is None:
        return or_(col.is_not(None), id_col < row_id)
    return and_(col.is_not(None), or_(col < value, and_(col == value, id_col < row_id)))


def _order_by(ordering: Ordering, ascending: bool) -> list[Any]:
    col, id_col = ordering.column, ordering.id_column
    if ascending:
        first = col.asc().nulls_last() if ordering.nullable else col.asc()
        return [first, id_col.asc()]
    first = col.desc().nulls_first() if ordering.nullable else col.desc()
    return [first, id_col.desc()]


def _scan(ordering: Ordering, request: PageRequest) -> tuple[bool, ColumnElement[bool] | None]:
    ascending = (ordering.direction is Direction.ASC) != request.backward
    condition = None
    if request.cursor is not None:
        value, row_id = decode_cursor(ordering, request.cursor)
        condition = _after(ordering, value, row_id, ascending)
    return ascending, condition


@dataclass(slots=True)
class Page:
    """One page of rows in display order, with what a Relay connection needs."""

    rows: list[Any]
    ordering: Ordering
    has_next_page: bool
    has_previous_page: bool
    sort_key: Callable[[Any], Any]
    count: Callable[[], Awaitable[int]] = field(repr=False)

    def cursor(self, row: Any) -> str:
        return encode_cursor(self.ordering, self.sort_key(row), row.id)


def _finish(
    rows: Sequence[Any],
    ordering: Ordering,
    request: PageRequest,
    sort_key: Callable[[Any], Any],
    count: Callable[[], Awaitable[int]],
) -> Page:
    rows = list(rows)
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    if request.backward:
        rows.reverse()
        return Page(rows, ordering, request.cursor is not None, more, sort_key, count)
    return Page(rows, ordering, more, request.cursor is not None, sort_key, count)


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    ordering: Ordering,
    request: PageRequest,
    sort_key: Callable[[Any], Any],
    count_from: Select[Any] | None = None,
) -> Page:
    """Run `stmt` (already filtered and scoped) for one keyset page.

    `count_from` is what `totalCount` counts when the page's statement carries joins the
    count does not need (the same rows, fewer tables); by default `stmt` itself.
    """
    ascending, condition = _scan(ordering, request)
    page_stmt = stmt if condition is None else stmt.where(condition)
    page_stmt = page_stmt.order_by(*_order_by(ordering, ascending)).limit(request.limit + 1)
    rows = (await session.execute(page_stmt)).all()

    async def count() -> int:
        counted = stmt if count_from is None else count_from
        count_stmt = select(func.count()).select_from(counted.order_by(None).subquery())
        return int(await session.scalar(count_stmt) or 0)

    return _finish(rows, ordering, request, sort_key, count)


async def fetch_pages_by_parent(
    session: AsyncSession,
    stmt: Select[Any],
    parent_column: Any,
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
    sort_key: Callable[[Any], Any],
    counts: Callable[[int], Awaitable[int]],
) -> dict[int, Page]:
    """One keyset page per parent in a single statement (a window function per parent).

    `stmt` must select `parent_column`; rows come back grouped by parent. `counts(parent_id)`
    returns that parent's total when `totalCount` is selected (batched by the caller).
    """
    ascending, condition = _scan(ordering, request)
    inner = stmt.where(parent_column.in_(parent_ids))
    if condition is not None:
        inner = inner.where(condition)
    rank = (
        func.row_number()
        .over(partition_by=parent_column, order_by=_order_by(ordering, ascending))
        .label("page_rank")
    )
    ranked = inner.add_columns(rank).subquery()
    parent_key = ranked.c[parent_column.key]
    rows = (
        await session.execute(
            select(ranked)
            .where(ranked.c.page_rank <= request.limit + 1)
            .order_by(parent_key, literal_column("page_rank"))
        )
    ).all()
    grouped: dict[int, list[Any]] = {pid: [] for pid in parent_ids}
    if rows:
        at = rows[0]._fields.index(parent_key.key)  # by position: a mapping per row costs
        for row in rows:
            grouped[row[at]].append(row)

    def counter(pid: int) -> Callable[[], Awaitable[int]]:
        return lambda: counts(pid)

    return {
        pid: _finish(group, ordering, request, sort_key, counter(pid))
        for pid, group in grouped.items()
    }


async def count_by_parent(
    session: AsyncSession, stmt: Select[Any], parent_column: Any, parent_ids: Sequence[int]
) -> dict[int, int]:
    """How many rows of `stmt` (filtered, scoped) each parent has: one grouped query.

    The `totalCount` of nested connections; parents without rows count 0.
    """
    sub = stmt.where(parent_column.in_(parent_ids)).subquery()
    key = sub.c[parent_column.key]
    rows = await session.execute(select(key, func.count()).group_by(key))
    counts = dict.fromkeys(parent_ids, 0)
    counts.update({pid: int(n) for pid, n in rows})
    return counts
