"""Asserting that the scalar/input layer refused a request before anything ran."""

from __future__ import annotations

from typing import Any


def assert_malformed_input(body: dict[str, Any], *fragments: str) -> None:
    """One top-level BAD_USER_INPUT, no data, its message naming the path (`fragments`)."""
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    for fragment in fragments:
        assert fragment in error["message"], error["message"]
