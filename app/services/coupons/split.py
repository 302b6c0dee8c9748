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
    the last share takes what is left. All-zero weights: all on the last.

    No share exceeds its weight while `total` <= sum(w): when the earlier shares rounded down
    so far that the remainder would be more than the last weight (five weights of 0.01 sharing
    0.02: each 0.004 rounds to 0.00), the excess goes back onto the earlier shares, from the
    last but one backwards, up to each one's weight. A total a rounding above the weights' sum
    (a day's bill in cents over its scale-8 lines) fills every share to its weight and puts
    the rest on the last. The shares always sum to `total`.
    """
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
    last = total - sum(shares, Decimal(0))
    if whole and last > weights[-1]:
        excess = last - weights[-1]
        last = weights[-1]
        for i in range(len(shares) - 1, -1, -1):
            room = min(weights[i] - shares[i], excess)
            if room > 0:
                shares[i] += room
                excess -= room
            if not excess:
                break
        last += excess  # only when total > sum(weights)
    shares.append(last)
    return shares
