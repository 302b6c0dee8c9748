"""Typed errors raised by services. Resolvers turn `DomainError`s into `userErrors`."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

FieldPath = Sequence[str | int]


class ErrorCode(StrEnum):
    """Every business-rule refusal has one of these codes (the GraphQL `ErrorCode` enum)."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_STATE = "INVALID_STATE"
    PARTNER_NOT_CERTIFIED = "PARTNER_NOT_CERTIFIED"
    RENEWAL_TOO_EARLY = "RENEWAL_TOO_EARLY"
    ASSOCIATION_ENDED = "ASSOCIATION_ENDED"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    REFERRAL_MODE = "REFERRAL_MODE"
    RESELLER_MODE = "RESELLER_MODE"
    ARREARS = "ARREARS"
    AMOUNT_LIMITED = "AMOUNT_LIMITED"
    CURRENCY_NOT_SUPPORTED = "CURRENCY_NOT_SUPPORTED"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    PAYMENT_REFERENCE_USED = "PAYMENT_REFERENCE_USED"
    ROUTE_REQUIRED = "ROUTE_REQUIRED"
    ACCOUNT_HOLDER_MISMATCH = "ACCOUNT_HOLDER_MISMATCH"
    NO_FROZEN_CASH = "NO_FROZEN_CASH"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    FUNDS_NOT_RETRIEVED = "FUNDS_NOT_RETRIEVED"
    CREDIT_IN_USE = "CREDIT_IN_USE"
    REGISTRATION_CONFLICT = "REGISTRATION_CONFLICT"
    REGISTRATION_LIMIT_REACHED = "REGISTRATION_LIMIT_REACHED"
    CONTACT_MISMATCH = "CONTACT_MISMATCH"
    INVITATION_EXPIRED = "INVITATION_EXPIRED"
    ACCOUNT_ALREADY_ASSOCIATED = "ACCOUNT_ALREADY_ASSOCIATED"
    ACCOUNT_NAME_TAKEN = "ACCOUNT_NAME_TAKEN"
    REQUEST_EXPIRED = "REQUEST_EXPIRED"
    CHANGE_ALREADY_PENDING = "CHANGE_ALREADY_PENDING"
    CUSTOMER_FROZEN = "CUSTOMER_FROZEN"
    VALID_RESERVED_RESOURCES = "VALID_RESERVED_RESOURCES"
    CHANGE_TOO_SOON = "CHANGE_TOO_SOON"
    CUSTOMER_REQUEST_TOO_RECENT = "CUSTOMER_REQUEST_TOO_RECENT"
    DISASSOCIATION_REQUEST_TOO_SOON = "DISASSOCIATION_REQUEST_TOO_SOON"
    AUTHORIZATION_REQUIRED = "AUTHORIZATION_REQUIRED"
    AUTHORIZATION_ALREADY_PENDING = "AUTHORIZATION_ALREADY_PENDING"
    INVALID_ACCOUNT_MANAGER = "INVALID_ACCOUNT_MANAGER"
    ORDERS_AWAITING_PARTNER_PAYMENT = "ORDERS_AWAITING_PARTNER_PAYMENT"
    CYCLE_CLOSED = "CYCLE_CLOSED"
    CYCLE_NOT_ENDED = "CYCLE_NOT_ENDED"
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
    AUTO_RENEW_NOT_APPLICABLE = "AUTO_RENEW_NOT_APPLICABLE"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    COUPON_HELD = "COUPON_HELD"
    COUPON_NOT_APPLICABLE = "COUPON_NOT_APPLICABLE"
    INVOICEABLE_EXCEEDED = "INVOICEABLE_EXCEEDED"
    INVOICED_NOT_RETURNED = "INVOICED_NOT_RETURNED"


class DomainError(Exception):
    """A business rule refused the call; the mutation's savepoint is rolled back."""

    def __init__(self, code: ErrorCode, message: str, field: FieldPath | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None


class DomainErrors(Exception):
    """Several rule violations found at once (e.g. every invalid field of an input)."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


class PermissionDenied(Exception):
    """The principal's role may not do this: a top-level `FORBIDDEN` error, never a userError."""

    def __init__(self, message: str = "Your role is not allowed to do this.") -> None:
        super().__init__(message)


class NotAuthenticated(Exception):
    """No valid token: HTTP 401 with `UNAUTHENTICATED`."""


class BadRequest(Exception):
    """Malformed arguments (bad cursor, page size out of range): top-level `BAD_USER_INPUT`."""
