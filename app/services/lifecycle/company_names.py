"""Normalizing what identifies a company or a person, so that equal things compare equal.

Pure functions: registration conflicts and the contact check of invitations compare these
normalized forms, never the raw input.
"""

from __future__ import annotations

import re
import unicodedata

# Legal-form suffixes ignored when matching names, longest first. Chinese forms are matched as
# string suffixes (Chinese names have no spaces); English ones as trailing words.
CHINESE_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司")
ENGLISH_FORMS: tuple[tuple[str, ...], ...] = (
    ("company", "limited"),
    ("co", "limited"),
    ("co", "ltd"),
    ("limited",),
    ("ltd",),
    ("incorporated",),
    ("inc",),
    ("corporation",),
    ("corp",),
    ("company",),
    ("co",),
    ("llc",),
    ("plc",),
    ("gmbh",),
)
# Punctuation that separates words in company names (after NFKC, so full-width is folded).
_SEPARATORS = re.compile(r"[\s.,;:·•'\"`()\[\]{}<>、。《》\u2018\u2019\u201c\u201d_\-/]+")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def _strip_forms(words: list[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        for form in ENGLISH_FORMS:
            n = len(form)
            if len(words) > n and tuple(words[-n:]) == form:
                words = words[:-n]
                changed = True
                break
        else:
            last = words[-1]
            form = next((f for f in CHINESE_FORMS if last.endswith(f)), None)
            if form is not None and (len(last) > len(form) or len(words) > 1):
                rest = last[: -len(form)]
                words = [*words[:-1], rest] if rest else words[:-1]
                changed = True
    return words


def normalize_company_name(name: str) -> str:
    """The matching key of a company name.

    Case, full/half width, spaces, punctuation and legal-form suffixes (有限公司, Co., Ltd.,
    Inc. ...) are ignored: full-width "ACME  Tech Co., Ltd." and "acme tech" give one key. A
    name that is nothing but a legal form keeps it, so the key is never empty for a
    non-empty name.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    words = [w for w in _SEPARATORS.split(folded) if w]
    return "".join(_strip_forms(words))


def normalize_credit_code(code: str) -> str:
    """A unified social credit code in canonical form: half-width, upper case, no spaces."""
    folded = unicodedata.normalize("NFKC", code).upper()
    return re.sub(r"[\s\-]", "", folded)


def is_valid_credit_code(code: str) -> bool:
    """18 characters of the code's alphabet (digits and capitals without I, O, S, V, Z)."""
    return CREDIT_CODE.fullmatch(code) is not None


def normalize_phone(phone: str) -> str:
    """Digits only, without a +86 / 0086 country prefix: "+86 138-1234-5678" -> 13812345678."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits
