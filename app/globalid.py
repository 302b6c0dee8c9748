"""Opaque Relay global ids: base64url of "TypeName:id"."""

from __future__ import annotations

import base64
import binascii


def to_global_id(type_name: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{row_id}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, row id); `ValueError` if `global_id` is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_id = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"Malformed id {global_id!r}.") from exc
    if not type_name.isidentifier() or not raw_id.isdigit() or len(raw_id) > 18:
        raise ValueError(f"Malformed id {global_id!r}.")
    return type_name, int(raw_id)
