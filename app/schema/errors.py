"""`UserError` and the documented `ErrorCode` enum of every business-rule refusal."""

from __future__ import annotations

from enum import Enum

import strawberry

from app.services.errors import DomainError


@strawberry.enum(description="Why a mutation was refused. Each code is one rule.")
class ErrorCode(Enum):
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND",
        description="The object does not exist or is not yours (the two look the same).",
    )
    INVALID_INPUT = strawberry.enum_value(
        "INVALID_INPUT", description="A field's value breaks its documented format or bounds."
    )
    PARTNER_NOT_CERTIFIED = strawberry.enum_value(
        "PARTNER_NOT_CERTIFIED",
        description="The partner's certification has expired; re-certify to do this.",
    )


@strawberry.type(description="A business rule that refused a mutation; nothing was changed.")
class UserError:
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")
    field: list[str] | None = strawberry.field(
        description='Path to the offending input field, e.g. ["input", "labels", "2"].'
    )
    message: str = strawberry.field(description="Human-readable explanation.")

    @classmethod
    def from_domain(cls, error: DomainError, prefix: tuple[str, ...] = ("input",)) -> UserError:
        path = None if error.field is None else [*prefix, *(str(p) for p in error.field)]
        return cls(code=ErrorCode(error.code.value), field=path, message=error.message)
