"""The free text that refusals, rejections and requests carry (reasons), and remarks."""

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


def remark_errors(remark: str | None, maximum: int) -> list[DomainError]:
    """`INVALID_INPUT` at `remark` if it is longer than `maximum` (None: not given)."""
    if remark is None or len(remark) <= maximum:
        return []
    return [
        DomainError(
            ErrorCode.INVALID_INPUT, f"A remark has at most {maximum} characters.", ["remark"]
        )
    ]
