"""Turning global ids from arguments into row ids."""

from __future__ import annotations

from app.globalid import from_global_id
from app.services.core.errors import BadRequest


def parse_id(global_id: str | None, type_name: str) -> int | None:
    """The row id inside `global_id` if it is a well-formed id of `type_name`, else None."""
    if global_id is None:
        return None
    try:
        found, row_id = from_global_id(global_id)
    except ValueError:
        return None
    return row_id if found == type_name else None


def require_id(global_id: str, type_name: str, argument: str) -> int:
    """Like `parse_id`, but a bad id in a filter is a top-level `BAD_USER_INPUT` error."""
    row_id = parse_id(global_id, type_name)
    if row_id is None:
        raise BadRequest(f"`{argument}` is not a {type_name} id: {global_id!r}.")
    return row_id


def parse_optional_id(global_id: str | None, type_name: str) -> int | None:
    """None when the argument was not given; 0 (no row has it) when it is malformed or of
    another type, so the service answers NOT_FOUND for it like for any missing object."""
    if global_id is None:
        return None
    row_id = parse_id(global_id, type_name)
    return 0 if row_id is None else row_id
