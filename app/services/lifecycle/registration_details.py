"""Validating the fields of a registration (submit and edit)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.lifecycle.company_names import (
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
    normalize_phone,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_SPEND = Decimal("1000000000000")
TEXT_LIMITS = {
    "contact_name": ("contactName", 100),
    "industry": ("industry", 50),
    "region": ("region", 50),
    "note": ("note", 500),
}


@dataclass(frozen=True, slots=True)
class RegistrationDetails:
    """The fields of a registration as given; `None` means "not given" (keep, on update)."""

    company_name: str | None = None
    credit_code: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    industry: str | None = None
    region: str | None = None
    expected_monthly_spend: Decimal | None = None
    note: str | None = None


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, [field])


def clean_details(details: RegistrationDetails, *, required: bool) -> dict[str, Any]:
    """Validated column values for the given fields; every problem at once as DomainErrors."""
    errors: list[DomainError] = []
    values: dict[str, Any] = {}
    if required:
        for attr, name in (
            ("company_name", "companyName"),
            ("contact_name", "contactName"),
            ("contact_email", "contactEmail"),
            ("contact_phone", "contactPhone"),
        ):
            if getattr(details, attr) is None:
                errors.append(_invalid(f"`{name}` is required.", name))
    if details.company_name is not None:
        name = details.company_name.strip()
        if not name or len(name) > 200:
            errors.append(_invalid("A company name has 1-200 characters.", "companyName"))
        else:
            values["company_name"] = name
            values["normalized_name"] = normalize_company_name(name)
    if details.credit_code is not None:
        code = normalize_credit_code(details.credit_code)
        if code and not is_valid_credit_code(code):
            errors.append(
                _invalid(
                    "A unified social credit code has 18 digits or capital letters "
                    "(no I, O, S, V, Z).",
                    "creditCode",
                )
            )
        values["credit_code"] = code or None
    for attr, (name, limit) in TEXT_LIMITS.items():
        value = getattr(details, attr)
        if value is None:
            continue
        value = value.strip()
        if len(value) > limit or (attr == "contact_name" and not value):
            low = 1 if attr == "contact_name" else 0
            errors.append(_invalid(f"`{name}` has {low}-{limit} characters.", name))
        values[attr] = value
    if details.contact_email is not None:
        email = details.contact_email.strip()
        if len(email) > 254 or not EMAIL.fullmatch(email):
            errors.append(_invalid("Not an email address.", "contactEmail"))
        values["contact_email"] = email
    if details.contact_phone is not None:
        phone = details.contact_phone.strip()
        if len(phone) > 32 or not 5 <= len(normalize_phone(phone)) <= 20:
            errors.append(_invalid("A phone number has 5-20 digits.", "contactPhone"))
        values["contact_phone"] = phone
    spend = details.expected_monthly_spend
    if spend is not None:
        if spend < 0 or spend >= MAX_SPEND or spend != spend.quantize(Decimal("0.01")):
            errors.append(
                _invalid(
                    "Expected monthly spend is at least 0 with at most 2 decimals.",
                    "expectedMonthlySpend",
                )
            )
        else:
            values["expected_monthly_spend"] = spend.quantize(Decimal("0.01"))
    if errors:
        raise DomainErrors(errors)
    return values
