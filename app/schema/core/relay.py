"""Relay conventions: the `Node` interface, `PageInfo`, generic connections and edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from app.services.core.pagination import Page

T = TypeVar("T")


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id of this object.")


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after`/`before` to page from here.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description=(
        "A page of a list. Page with `first`/`after` (forward) or `last`/`before` "
        "(backward); page sizes are 1 to 100."
    )
)
class Connection(Generic[T]):
    page: strawberry.Private[Page]
    convert: strawberry.Private[Callable[[Any], Any]]
    _nodes: strawberry.Private[list[Any] | None] = None

    def _converted(self) -> list[Any]:
        if self._nodes is None:
            self._nodes = [self.convert(row) for row in self.page.rows]
        return self._nodes

    @strawberry.field(description="The items of this page with their cursors.")
    def edges(self) -> list[Edge[T]]:
        page = self.page
        return [
            Edge(cursor=page.cursor(row), node=node)
            for row, node in zip(page.rows, self._converted(), strict=True)
        ]

    @strawberry.field(description="The items of this page (without cursors).")
    def nodes(self) -> list[T]:
        return self._converted()

    @strawberry.field(description="Paging state of this page.")
    def page_info(self) -> PageInfo:
        page, rows = self.page, self.page.rows
        return PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursor(rows[0]) if rows else None,
            end_cursor=page.cursor(rows[-1]) if rows else None,
        )

    @strawberry.field(
        description="How many items the whole list has (filters applied); computed on request."
    )
    async def total_count(self) -> int:
        return await self.page.count()


def connection(page: Page, convert: Callable[[Any], T]) -> Connection[T]:
    """Wrap a service `Page` for GraphQL; rows become nodes through `convert` on demand."""
    return Connection(page=page, convert=convert)


@strawberry.input(description="A time range: `from` inclusive, `to` exclusive; either may be open.")
class DateTimeRange:
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Start (inclusive)."
    )
    to: datetime | None = strawberry.field(default=None, description="End (exclusive).")


First = Annotated[
    int | None, strawberry.argument(description="Return the first N items (1-100; default 20).")
]
After = Annotated[str | None, strawberry.argument(description="Cursor to start after.")]
Last = Annotated[int | None, strawberry.argument(description="Return the last N items (1-100).")]
Before = Annotated[str | None, strawberry.argument(description="Cursor to end before.")]
