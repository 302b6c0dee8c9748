"""Text a column can hold: no NUL character and no lone surrogate (asyncpg refuses both)."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None. In a Python string decoded from JSON or
    a document a surrogate is always a lone one (a valid pair decodes to one character)."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "the text contains a NUL character (U+0000)"
    return f"the text contains a lone surrogate (U+{ord(found.group()):04X}), not valid Unicode"
