"""A quote's and an order's totals, and the quote itself: what an order would cost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.models import Customer
from app.services.orders.deductions import AppliedCoupon
from app.services.orders.lines import PricedLine
from app.services.orders.pricing import ZERO, round_cents


@dataclass(frozen=True, slots=True)
class Totals:
    """An order's (or a quote's) amounts: the lines' sums, the display amounts at cents.

    The lines' dues are already rounded once (pricing), so their sum needs no rounding; only
    prorated list amounts have more decimals.
    """

    list_amount: Decimal
    discount_amount: Decimal
    coupon_amount: Decimal
    amount_due: Decimal


def totals(priced: Sequence[PricedLine]) -> Totals:
    return Totals(
        list_amount=round_cents(sum((p.price.list_amount.value for p in priced), ZERO)),
        discount_amount=round_cents(sum((p.price.discount_total for p in priced), ZERO)),
        coupon_amount=round_cents(sum((p.price.coupon_total for p in priced), ZERO)),
        amount_due=sum((p.price.due.value for p in priced), ZERO),
    )


@dataclass(frozen=True, slots=True)
class Quote:
    """A price inquiry's answer: each line priced with its rules, and the totals."""

    customer: Customer
    lines: list[PricedLine]
    totals: Totals
    coupons: list[AppliedCoupon]
