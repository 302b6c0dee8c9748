"""Input rules of recharges, checked before anything is stored (so an idempotency key is
bound only to valid input): amounts, channels, payment references and dates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app import clock
from app.models.funds.enums import RechargeChannel
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.money import cents, check_amount, check_currency
from app.settings import get_settings

ONLINE_CHANNELS = (RechargeChannel.ALIPAY, RechargeChannel.WECHAT, RechargeChannel.UNIONPAY)
MAX_REFERENCE_LENGTH = 64


def validate_order(channel: RechargeChannel, amount: Decimal, currency: str) -> Decimal:
    """Input rules of an online recharge order; the amount at scale 2."""
    errors = check_amount(amount) + check_currency(currency)
    if channel not in ONLINE_CHANNELS:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                "Bank transfers go to your dedicated remittance account; no order is needed.",
                ["channel"],
            )
        )
    cap = get_settings().wechat_payment_cap
    if channel is RechargeChannel.WECHAT and not errors and amount > cap:
        errors.append(
            DomainError(
                ErrorCode.AMOUNT_LIMITED,
                f"WeChat Pay takes at most {cap} per payment.",
                ["amount"],
            )
        )
    if errors:
        raise DomainErrors(errors)
    return cents(amount)


def validate_paid_at(paid_at: datetime | None) -> None:
    """A payment cannot be dated in the future (it would stretch route windows)."""
    if paid_at is not None and paid_at > clock.now():
        raise DomainError(ErrorCode.INVALID_INPUT, "`paidAt` is in the future.", ["paidAt"])


def validate_reference(reference: str) -> str:
    reference = reference.strip()
    if not reference or len(reference) > MAX_REFERENCE_LENGTH:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"A payment reference has 1 to {MAX_REFERENCE_LENGTH} characters.",
            ["paymentReference"],
        )
    return reference


def create_key(
    channel: RechargeChannel,
    amount: Decimal,
    *,
    customer_id: int | None = None,
    currency: str = "CNY",
) -> dict[str, Any]:
    amount = validate_order(channel, amount, currency)
    return {"channel": channel.value, "amount": str(amount), "customer": customer_id}


def validate_payment(
    amount: Decimal, currency: str, payment_reference: str, paid_at: datetime | None
) -> tuple[Decimal, str]:
    """Input rules of a payment confirmation or a bank transfer: the amount at scale 2 and
    the trimmed reference (amount and currency first, then the date, then the reference)."""
    errors = check_amount(amount) + check_currency(currency)
    if errors:
        raise DomainErrors(errors)
    validate_paid_at(paid_at)
    return cents(amount), validate_reference(payment_reference)


def confirm_key(
    recharge_id: int | None,
    payment_reference: str,
    amount: Decimal,
    paid_at: datetime | None = None,
    currency: str = "CNY",
) -> dict[str, Any]:
    amount, reference = validate_payment(amount, currency, payment_reference, paid_at)
    return {
        "recharge": recharge_id,
        "reference": reference,
        "amount": str(amount),
        "paidAt": paid_at.isoformat() if paid_at else None,
    }


def transfer_key(
    remittance_account_number: str,
    amount: Decimal,
    payment_reference: str,
    currency: str = "CNY",
    paid_at: datetime | None = None,
    partner_id: int | None = None,
) -> dict[str, Any]:
    amount, reference = validate_payment(amount, currency, payment_reference, paid_at)
    return {
        "account": remittance_account_number.strip(),
        "partner": partner_id,
        "reference": reference,
        "amount": str(amount),
        "paidAt": paid_at.isoformat() if paid_at else None,
    }
