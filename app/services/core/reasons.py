"""The free-text reasons that refusals, rejections and requests carry."""

from __future__ import annotations

from app.services.core.errors import DomainError, ErrorCode

MAX_REASON = 500


def check_reason(reason: str, *, required: bool = True, field: str = "reason") -> str:
    """The reason trimmed; `INVALID_INPUT` if it is empty (when required) or over 500."""
    reason = reason.strip()
    if required and not reason:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"A reason of 1 to {MAX_REASON} characters is required.",
            [field],
        )
    if len(reason) > MAX_REASON:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"A reason has at most {MAX_REASON} characters.", [field]
        )
    return reason
