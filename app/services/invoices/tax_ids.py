"""The unified social credit code (统一社会信用代码, GB 32100-2015), the tax id on a Chinese
invoice title since 2015.

18 characters from the 31 of `CHARSET` (digits and uppercase letters but I, O, S, V, Z):
the registration authority (1), the entity category (1), the administrative division (6
digits), the organization code (9), and a check character (1) computed over the first 17:
`C18 = 31 - (sum(value(c_i) * w_i) mod 31)`, 31 read as 0, with `w_i = 3^(i-1) mod 31`.

The legacy 15/17/20-character tax registration numbers are not accepted: every entity has
had a unified code since 2018, and one format keeps the check strict.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the code's first 17 characters."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def tax_id_problem(value: str) -> str | None:
    """Why `value` is not a unified social credit code, or None when it is one."""
    if len(value) != LENGTH:
        return f"must be {LENGTH} characters (a unified social credit code), not {len(value)}"
    wrong = sorted({c for c in value if c not in VALUES})
    if wrong:
        return (
            "may hold only digits and uppercase letters other than I, O, S, V, Z; "
            f"found {''.join(wrong)!r}"
        )
    if not value[2:8].isdigit():
        return "characters 3 to 8 (the administrative division code) must be digits"
    expected = check_character(value[:17])
    if value[17] != expected:
        return f"its check character is wrong (GB 32100-2015 gives {expected!r})"
    return None
