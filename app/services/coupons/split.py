"""Splitting one amount over several in proportion to them: each share rounded half-up to
the quantum, the remainder on the last share, so the shares always sum to the total."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SCALE8 = Decimal("0.00000001")


def split(total: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT) -> list[Decimal]:
    """`total` over `weights` (each >= 0, `total` normally <= their sum): share i = total x
    w_i / sum(w), half-up to `quantum`, never more than w_i nor than what is left of `total`;
    the last share takes what is left (so a total a rounding above the weights' sum -- a
    day's bill in cents over its scale-8 lines -- puts the excess on the last). All-zero
    weights: all on the last."""
    if not weights:
        if total:
            raise ValueError("nothing to split a non-zero total over")
        return []
    whole = sum(weights, Decimal(0))
    shares: list[Decimal] = []
    for weight in weights[:-1]:
        share = (total * weight / whole).quantize(quantum, ROUND_HALF_UP) if whole else Decimal(0)
        left = total - sum(shares, Decimal(0))
        shares.append(max(min(share, weight, left), Decimal(0)))
    shares.append(total - sum(shares, Decimal(0)))
    return shares
