"""Opaque Relay global ids: base64url of "TypeName:id"."""

from __future__ import annotations

import base64
import binascii
import re

MAX_ID = 2**63 - 1
# A real id is under 60 characters; anything else is refused before decoding.
_ENCODED = re.compile(r"[A-Za-z0-9_-]{1,80}={0,2}", re.ASCII)
_DECODED = re.compile(r"([A-Za-z][A-Za-z0-9]{0,49}):([1-9][0-9]{0,18})", re.ASCII)


def to_global_id(type_name: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{row_id}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, row id); `ValueError` if `global_id` is not one of ours.

    Strict: base64url only (no characters the decoder would skip), an ASCII type name and a
    decimal row id of 1 to 2**63 - 1 (no sign, no Unicode digits such as "²").
    """
    if not isinstance(global_id, str) or not _ENCODED.fullmatch(global_id):
        raise ValueError(f"Malformed id {global_id!r}.")
    try:
        padded = global_id.rstrip("=") + "=" * (-len(global_id.rstrip("=")) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode()).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"Malformed id {global_id!r}.") from exc
    match = _DECODED.fullmatch(decoded)
    if match is None or int(match.group(2)) > MAX_ID:
        raise ValueError(f"Malformed id {global_id!r}.")
    return match.group(1), int(match.group(2))
