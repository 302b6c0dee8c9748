"""`UserError` and the documented `ErrorCode` enum of every business-rule refusal."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import strawberry

from app.services.core.errors import DomainError


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
    FUNDS_NOT_RETRIEVED = strawberry.enum_value(
        "FUNDS_NOT_RETRIEVED",
        description="Retrieve the customer's allocated balance before switching it to REFERRAL.",
    )
    CREDIT_IN_USE = strawberry.enum_value(
        "CREDIT_IN_USE",
        description="The customer is spending on its credit limit; allocate to repay it first.",
    )
    REGISTRATION_CONFLICT = strawberry.enum_value(
        "REGISTRATION_CONFLICT",
        description=(
            "The company is already registered, a customer, or reserved; "
            "who holds it is not disclosed."
        ),
    )
    REGISTRATION_LIMIT_REACHED = strawberry.enum_value(
        "REGISTRATION_LIMIT_REACHED",
        description="The partner holds the most pending or valid registrations allowed.",
    )
    CONTACT_MISMATCH = strawberry.enum_value(
        "CONTACT_MISMATCH",
        description="The accepting account's contact phone is not the registered contact's.",
    )
    INVITATION_EXPIRED = strawberry.enum_value(
        "INVITATION_EXPIRED",
        description="The invitation link (or its registration) has expired.",
    )
    ACCOUNT_ALREADY_ASSOCIATED = strawberry.enum_value(
        "ACCOUNT_ALREADY_ASSOCIATED",
        description="The cloud account already has an open association with a partner.",
    )
    ACCOUNT_NAME_TAKEN = strawberry.enum_value(
        "ACCOUNT_NAME_TAKEN",
        description="Another cloud account already uses this account name.",
    )
    REQUEST_EXPIRED = strawberry.enum_value(
        "REQUEST_EXPIRED",
        description="The request was left unanswered past its deadline.",
    )
    CHANGE_ALREADY_PENDING = strawberry.enum_value(
        "CHANGE_ALREADY_PENDING",
        description="Another association change of this customer awaits an answer.",
    )
    CUSTOMER_FROZEN = strawberry.enum_value(
        "CUSTOMER_FROZEN",
        description="The customer's account is frozen.",
    )
    VALID_RESERVED_RESOURCES = strawberry.enum_value(
        "VALID_RESERVED_RESOURCES",
        description="The customer still has valid reserved instances or support plans.",
    )
    CHANGE_TOO_SOON = strawberry.enum_value(
        "CHANGE_TOO_SOON",
        description=(
            "The partner already started a disassociation or type switch of this customer "
            "within the interval (3 months by default)."
        ),
    )
    CUSTOMER_REQUEST_TOO_RECENT = strawberry.enum_value(
        "CUSTOMER_REQUEST_TOO_RECENT",
        description="The customer filed a disassociation request within the waiting period.",
    )
    DISASSOCIATION_REQUEST_TOO_SOON = strawberry.enum_value(
        "DISASSOCIATION_REQUEST_TOO_SOON",
        description="The customer already filed a disassociation request within the interval.",
    )
    AUTHORIZATION_REQUIRED = strawberry.enum_value(
        "AUTHORIZATION_REQUIRED",
        description="The customer has not granted an active authorization for this scope.",
    )
    AUTHORIZATION_ALREADY_PENDING = strawberry.enum_value(
        "AUTHORIZATION_ALREADY_PENDING",
        description="A request for one of these scopes already awaits the customer's answer.",
    )
    INVALID_ACCOUNT_MANAGER = strawberry.enum_value(
        "INVALID_ACCOUNT_MANAGER",
        description="Only a SALES or ADMIN user of the same partner may manage customers.",
    )
    ORDERS_AWAITING_PARTNER_PAYMENT = strawberry.enum_value(
        "ORDERS_AWAITING_PARTNER_PAYMENT",
        description="Orders of the customer await the partner's payment; pay or reject them.",
    )
    CYCLE_CLOSED = strawberry.enum_value(
        "CYCLE_CLOSED",
        description="The bill cycle is closed (FINAL): its numbers never change.",
    )
    CYCLE_NOT_ENDED = strawberry.enum_value(
        "CYCLE_NOT_ENDED",
        description="The bill cycle has not ended yet on the business calendar.",
    )
    BATCH_TOO_LARGE = strawberry.enum_value(
        "BATCH_TOO_LARGE",
        description="Too many records for one call; use the CLI for files.",
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


def user_errors(errors: Iterable[DomainError]) -> list[UserError]:
    """The payload's `userErrors` for a mutation's domain errors."""
    return [UserError.from_domain(e) for e in errors]
