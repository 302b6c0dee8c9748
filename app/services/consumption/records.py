"""Reading the fields of one ingested record (a usage record or a bandwidth sample).

One parser for the CLI's files and the `ingestUsage` mutation alike. Ids are the global ids
the API hands out (`Resource`, `Customer`); a plain integer row id is accepted as well, in
both places, so files written before global ids keep working. Every refusal is a
`BadRecord` naming the record's field at fault, so the rejection says which field to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.globalid import MAX_ID, from_global_id, to_global_id


class BadRecord(ValueError):
    """A record refused because of one of its fields (`field` None: the whole record)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None or str(value).strip() == "":
        raise BadRecord(f"{name} is missing", name)
    return str(value).strip()


def moment(raw: Mapping[str, Any], name: str) -> datetime:
    value = text(raw, name)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise BadRecord(
            f"{name} is not an ISO 8601 timestamp (e.g. 2026-06-15T04:00:00Z)", name
        ) from error
    if parsed.tzinfo is None:
        raise BadRecord(f"{name} has no time zone (e.g. 2026-06-15T04:00:00Z)", name)
    return parsed


def decimal(raw: Mapping[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(text(raw, name))
    except InvalidOperation as error:
        raise BadRecord(f"{name} is not a number", name) from error
    if not value.is_finite() or value < 0:
        raise BadRecord(f"{name} must be zero or more", name)
    if value != value.quantize(Decimal("0.00000001")):
        raise BadRecord(f"{name} has more than 8 decimal places", name)
    return value


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'AEIOU' else 'a'} {noun}"


def row_id(raw: Mapping[str, Any], name: str, type_name: str) -> int | None:
    """The row id `raw[name]` names: a global id of `type_name` or a plain integer id; None
    when the field is absent or empty; `BadRecord` when it is neither."""
    value = raw.get(name)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 < value <= MAX_ID:
            return value
    elif isinstance(value, str):
        value = value.strip()
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            return int(value)
        try:
            found, parsed = from_global_id(value)
        except ValueError:
            pass
        else:
            if found == type_name:
                return parsed
            raise BadRecord(f"{name} is {_a(found)} id, not {_a(type_name)} id", name)
    example = to_global_id(type_name, 42)
    raise BadRecord(
        f"{name} {str(value)[:80]!r} is not {_a(type_name)} id "
        f"(a global id such as {example!r}, or an integer)",
        name,
    )


def required_id(raw: Mapping[str, Any], name: str, type_name: str) -> int:
    found = row_id(raw, name, type_name)
    if found is None:
        raise BadRecord(f"{name} is missing", name)
    return found
