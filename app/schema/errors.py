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
    INVALID_STATE = strawberry.enum_value(
        "INVALID_STATE", description="The object's current status does not allow this."
    )
    PARTNER_NOT_CERTIFIED = strawberry.enum_value(
        "PARTNER_NOT_CERTIFIED",
        description="The partner's certification has expired; re-certify to do this.",
    )
    ASSOCIATION_ENDED = strawberry.enum_value(
        "ASSOCIATION_ENDED",
        description="The customer is a former customer: its association has ended.",
    )
    INSUFFICIENT_BALANCE = strawberry.enum_value(
        "INSUFFICIENT_BALANCE",
        description="Not enough money in the account the operation draws on (CBC.5003).",
    )
    REFERRAL_MODE = strawberry.enum_value(
        "REFERRAL_MODE",
        description="Not allowed for a REFERRAL customer, who pays for itself (CBC.5021).",
    )
    RESELLER_MODE = strawberry.enum_value(
        "RESELLER_MODE",
        description="Not allowed for a RESELLER customer, whom its partner funds.",
    )
    ARREARS = strawberry.enum_value(
        "ARREARS", description="The customer is in arrears; allocate funds to cover them first."
    )
    AMOUNT_LIMITED = strawberry.enum_value(
        "AMOUNT_LIMITED",
        description="The amount exceeds a limit (the channel's per-payment cap, or ours).",
    )
    CURRENCY_NOT_SUPPORTED = strawberry.enum_value(
        "CURRENCY_NOT_SUPPORTED", description="Only CNY is supported."
    )
    AMOUNT_MISMATCH = strawberry.enum_value(
        "AMOUNT_MISMATCH", description="The paid amount differs from the recharge order's amount."
    )
    PAYMENT_REFERENCE_USED = strawberry.enum_value(
        "PAYMENT_REFERENCE_USED",
        description="That payment reference already confirmed another recharge.",
    )
    ROUTE_REQUIRED = strawberry.enum_value(
        "ROUTE_REQUIRED",
        description="Money still inside its original-route window may only leave that way.",
    )
    ACCOUNT_HOLDER_MISMATCH = strawberry.enum_value(
        "ACCOUNT_HOLDER_MISMATCH",
        description="The bank account holder is not the partner's certified company name.",
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED",
        description="This idempotency key was used with a different input; use a new key.",
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
