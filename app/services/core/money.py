"""Validating money input: exact decimals, CNY, within bounds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from app.services.core.errors import DomainError, ErrorCode, FieldPath
from app.settings import get_settings

CURRENCY = "CNY"
CENT = Decimal("0.01")


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to 0.01: the one rounding every flow applies at its documented point."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_amount(
    amount: Decimal, field: FieldPath = ("amount",), *, allow_zero: bool = False
) -> list[DomainError]:
    """Errors of an amount input: positive (or zero), at most 2 decimals, at most the cap.

    Total for any Decimal (the API's `Amount` scalar already bounds the shape; the CLI and
    jobs may not): the checks run at a precision no input reaches, so a huge or exotic value
    is a userError, never `InvalidOperation`.
    """
    with localcontext(prec=1000):
        return _amount_errors(amount, field, allow_zero)


def _amount_errors(amount: Decimal, field: FieldPath, allow_zero: bool) -> list[DomainError]:
    errors = []
    try:
        finite = amount.is_finite()
    except (AttributeError, InvalidOperation):
        finite = False
    if not finite:
        return [DomainError(ErrorCode.INVALID_INPUT, "The amount is not a number.", field)]
    if amount < 0 or (amount == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "greater than zero"
        errors.append(DomainError(ErrorCode.INVALID_INPUT, f"The amount must be {bound}.", field))
    if amount.adjusted() < 900 and amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        errors.append(
            DomainError(ErrorCode.INVALID_INPUT, "The amount has at most 2 decimal places.", field)
        )
    cap = get_settings().max_money_amount
    if amount > cap:
        errors.append(
            DomainError(ErrorCode.AMOUNT_LIMITED, f"The amount must not exceed {cap}.", field)
        )
    return errors


def check_currency(currency: str, field: FieldPath = ("currency",)) -> list[DomainError]:
    if currency != CURRENCY:
        return [
            DomainError(
                ErrorCode.CURRENCY_NOT_SUPPORTED,
                f"Only {CURRENCY} is supported; got {currency!r}.",
                field,
            )
        ]
    return []


def cents(amount: Decimal) -> Decimal:
    """`amount` at scale 2 (it has already passed `check_amount`)."""
    return amount.quantize(CENT)
