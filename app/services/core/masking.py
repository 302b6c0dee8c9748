"""Masking of personal data on output (contacts are stored in full)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the first character: 张三丰 -> 张**, Alice -> A****."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits: 13812345678 -> 138****5678."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    """Keep the first character of the local part and the domain: alice@x.cn -> a****@x.cn."""
    local, sep, domain = email.partition("@")
    if not sep:
        return mask_name(email)
    return mask_name(local) + "@" + domain


def mask_card_number(number: str) -> str:
    """Keep the last 4 digits: 6222021234567890 -> ************7890."""
    return "*" * (len(number) - 4) + number[-4:]
