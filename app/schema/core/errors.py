"""`UserError` and the documented `ErrorCode` enum of every business-rule refusal."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry

from app.schema.core.enums import graphql_enum
from app.services.core.errors import DomainError, ErrorCode

graphql_enum(
    ErrorCode,
    "Why a mutation was refused. Each code is one rule.",
    {
        "NOT_FOUND": "The object does not exist or is not yours (the two look the same).",
        "INVALID_INPUT": "A field's value breaks its documented format or bounds.",
        "INVALID_STATE": "The object's current status does not allow this.",
        "PARTNER_NOT_CERTIFIED": "The partner's certification has expired; re-certify to do this.",
        "RENEWAL_TOO_EARLY": (
            "The certification is in force and its end is too far away to renew it yet."
        ),
        "ASSOCIATION_ENDED": "The customer is a former customer: its association has ended.",
        "INSUFFICIENT_BALANCE": (
            "Not enough money in the account the operation draws on (CBC.5003)."
        ),
        "REFERRAL_MODE": "Not allowed for a REFERRAL customer, who pays for itself (CBC.5021).",
        "RESELLER_MODE": "Not allowed for a RESELLER customer, whom its partner funds.",
        "ARREARS": "The customer is in arrears; allocate funds to cover them first.",
        "AMOUNT_LIMITED": "The amount exceeds a limit (the channel's per-payment cap, or ours).",
        "CURRENCY_NOT_SUPPORTED": "Only CNY is supported.",
        "AMOUNT_MISMATCH": "The paid amount differs from the recharge order's amount.",
        "PAYMENT_REFERENCE_USED": "That payment reference already confirmed another recharge.",
        "ROUTE_REQUIRED": "Money still inside its original-route window may only leave that way.",
        "ACCOUNT_HOLDER_MISMATCH": (
            "The bank account holder is not the partner's certified company name (or, for a "
            "customer's withdrawal, the customer's real-name company)."
        ),
        "NO_FROZEN_CASH": (
            "The customer has no own cash frozen by a REFERRAL -> RESELLER switch to withdraw."
        ),
        "IDEMPOTENCY_KEY_REUSED": (
            "This idempotency key was used with a different input; use a new key."
        ),
        "FUNDS_NOT_RETRIEVED": (
            "Retrieve the customer's allocated balance before switching it to REFERRAL."
        ),
        "CREDIT_IN_USE": (
            "The customer is spending on its credit limit; allocate to repay it first."
        ),
        "REGISTRATION_CONFLICT": (
            "The company is already registered, a customer, or reserved; who holds it is not "
            "disclosed."
        ),
        "REGISTRATION_LIMIT_REACHED": (
            "The partner holds the most pending or valid registrations allowed."
        ),
        "CONTACT_MISMATCH": (
            "The accepting account's contact phone is not the registered contact's."
        ),
        "INVITATION_EXPIRED": "The invitation link (or its registration) has expired.",
        "ACCOUNT_ALREADY_ASSOCIATED": (
            "The cloud account already has an open association with a partner."
        ),
        "ACCOUNT_NAME_TAKEN": "Another cloud account already uses this account name.",
        "REQUEST_EXPIRED": "The request was left unanswered past its deadline.",
        "CHANGE_ALREADY_PENDING": "Another association change of this customer awaits an answer.",
        "CUSTOMER_FROZEN": "The customer's account is frozen.",
        "VALID_RESERVED_RESOURCES": (
            "The customer still has valid reserved instances or support plans."
        ),
        "CHANGE_TOO_SOON": (
            "The partner already started a disassociation or type switch of this customer within "
            "the interval (3 months by default)."
        ),
        "CUSTOMER_REQUEST_TOO_RECENT": (
            "The customer filed a disassociation request within the waiting period."
        ),
        "DISASSOCIATION_REQUEST_TOO_SOON": (
            "The customer already filed a disassociation request within the interval."
        ),
        "AUTHORIZATION_REQUIRED": (
            "The customer has not granted an active authorization for this scope."
        ),
        "AUTHORIZATION_ALREADY_PENDING": (
            "A request for one of these scopes already awaits the customer's answer."
        ),
        "INVALID_ACCOUNT_MANAGER": (
            "Only a SALES or ADMIN user of the same partner may manage customers."
        ),
        "ORDERS_AWAITING_PARTNER_PAYMENT": (
            "Orders of the customer await the partner's payment; pay or reject them."
        ),
        "CYCLE_CLOSED": "The bill cycle is closed (FINAL): its numbers never change.",
        "CYCLE_NOT_ENDED": "The bill cycle has not ended yet on the business calendar.",
        "BATCH_TOO_LARGE": "Too many records for one call; use the CLI for files.",
        "AUTO_RENEW_NOT_APPLICABLE": (
            "Auto-renew means nothing for this resource: it is on-demand (no term), or its "
            "term is over (EXPIRED) or it is DELETED."
        ),
        "QUOTA_EXCEEDED": "More than what is left of the coupon quota (its remainder).",
        "COUPON_HELD": (
            "The coupon or pickup voucher is held by another unpaid order until that order is "
            "paid, cancelled or closed."
        ),
        "COUPON_NOT_APPLICABLE": (
            "The coupon or pickup voucher does not apply to this order: no line of its service "
            "types or product, the order is below its minimum, or nothing is left to deduct."
        ),
        "INVOICEABLE_EXCEEDED": (
            "More than the partner's invoiceable amount (paid, not refunded, not yet requested "
            "or invoiced), or a cycle with nothing invoiceable left."
        ),
        "INVOICED_NOT_RETURNED": (
            "Refunded money is still covered by an issued invoice: it can leave only once that "
            "invoice is returned (the message names the amount and the invoices)."
        ),
    },
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
        return cls(code=error.code, field=path, message=error.message)


def user_errors(errors: Iterable[DomainError]) -> list[UserError]:
    """The payload's `userErrors` for a mutation's domain errors."""
    return [UserError.from_domain(e) for e in errors]
