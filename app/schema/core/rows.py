"""Reading database rows into schema objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def row_values(row: Any, names: Iterable[str]) -> Mapping[str, Any]:
    """The values a `from_row` reads, by name.

    A SQLAlchemy `Row` answers an attribute by name in ~0.3 µs; a page of 100 rows read field
    by field spends milliseconds on that alone, so a Row becomes one dict first (~1 µs). A
    dict is used as it is; other objects (ORM instances) are read by attribute.
    """
    global _last
    if isinstance(row, dict):
        return row
    parent = getattr(row, "_parent", None)
    if parent is not None:
        # `Row._fields` builds its tuple anew on every call (~3.5 µs); the rows of one result
        # share their metadata, so the names of the last result read are kept (one entry:
        # nothing accumulates)
        last_parent, fields = _last
        if parent is not last_parent:
            fields = row._fields
            _last = (parent, fields)
        return dict(zip(fields, row, strict=True))
    fields = getattr(row, "_fields", None)
    if fields is not None:
        return dict(zip(fields, row, strict=True))
    return {name: getattr(row, name) for name in names}


_last: tuple[Any, tuple[str, ...]] = (None, ())
