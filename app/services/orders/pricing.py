"""Pricing as pure functions: list amount, discounts, coupon deductions, amount due, refunds.

Every number carries the rule that produced it (`Amount.rule`), so a quote explains itself.

The arithmetic of one line:

    list      = catalog price x quantity x period             (exact)
    discount  = sum of discount steps (e.g. YEARLY_PRICE)      (exact)
    coupons   = sum of coupon deductions, applied in order     (exact; none until Coupons)
    due       = round_half_up(max(0, list - discount - coupons), 0.01)

**The one rounding point is the line's amount due**: everything before it is exact Decimal
arithmetic; the order's total is the sum of the lines' rounded dues, so "sum of line amounts
= order total" holds by construction. Catalog prices have 2 decimals, so list and discount
of NEW and RENEW lines are exact cents; only prorated amounts (CHANGE_SPEC, refunds) have
more decimals, and they are rounded at that same single point.

A coupon is one more `Deduction` step: `price_line(..., deductions=[...])` applies each step
to what is left after the previous ones (DOMAIN.md: discount coupon first, then cash), and
a step can never take the due below zero. The Coupons feature supplies those steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def round_cents(value: Decimal) -> Decimal:
    """The single rounding: half-up to 0.01."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Amount:
    """A number and the rule that produced it."""

    value: Decimal
    rule: str


# A deduction step sees what is still due (exact) and returns what it takes off.
Deduction = Callable[[Decimal], Amount]


def no_coupons(remaining: Decimal) -> Amount:
    """The coupon step until the Coupons feature exists: deducts nothing."""
    return Amount(ZERO, "NO_COUPON: no coupon applies")


@dataclass(frozen=True, slots=True)
class LinePrice:
    list_amount: Amount
    discounts: tuple[Amount, ...] = ()
    coupons: tuple[Amount, ...] = ()
    due: Amount = field(default_factory=lambda: Amount(ZERO, ""))

    @property
    def discount_total(self) -> Decimal:
        return sum((d.value for d in self.discounts), ZERO)

    @property
    def coupon_total(self) -> Decimal:
        return sum((c.value for c in self.coupons), ZERO)


def settle(
    list_amount: Amount,
    discounts: Sequence[Amount] = (),
    deductions: Sequence[Deduction] = (no_coupons,),
) -> LinePrice:
    """Apply discounts, then each deduction in order; round the due once (never below 0)."""
    remaining = list_amount.value - sum((d.value for d in discounts), ZERO)
    remaining = max(remaining, ZERO)
    coupons = []
    for step in deductions:
        taken = step(remaining)
        value = min(max(taken.value, ZERO), remaining)
        coupons.append(Amount(value, taken.rule))
        remaining -= value
    due = Amount(
        round_cents(max(remaining, ZERO)),
        "DUE: list - discount - coupons, not below 0, rounded half-up to 0.01 once",
    )
    return LinePrice(list_amount, tuple(discounts), tuple(coupons), due)


def subscription_price(
    monthly: Decimal,
    yearly: Decimal | None,
    quantity: int,
    months: int | None = None,
    years: int | None = None,
    deductions: Sequence[Deduction] = (no_coupons,),
) -> LinePrice:
    """A YEARLY_MONTHLY line of `quantity` units for `months` or `years`.

    The list amount is always the monthly price x months x quantity; buying by the year is
    a discount of (12 x monthly - yearly) per year and unit (rule YEARLY_PRICE) when the
    yearly price is below twelve months.
    """
    total_months = months if months is not None else 12 * (years or 0)
    list_amount = Amount(
        monthly * total_months * quantity,
        f"LIST_MONTHLY: {monthly} per month x {total_months} month(s) x {quantity}",
    )
    discounts: list[Amount] = []
    if years and yearly is not None and yearly < monthly * 12:
        saving = (monthly * 12 - yearly) * years * quantity
        discounts.append(
            Amount(
                saving,
                f"YEARLY_PRICE: (12 x {monthly} - {yearly}) x {years} year(s) x {quantity}",
            )
        )
    return settle(list_amount, discounts, deductions)


def on_demand_price() -> LinePrice:
    """An on-demand line costs nothing at order time; usage is rated as consumption."""
    return settle(Amount(ZERO, "ON_DEMAND: charged by usage, nothing due at order time"), ())


def prorate(amount: Decimal, unused_seconds: Decimal, term_seconds: Decimal) -> Decimal:
    """`amount x unused / term`, exact (not rounded), clamped to [0, amount]."""
    if term_seconds <= 0:
        return ZERO
    fraction = min(max(unused_seconds / term_seconds, ZERO), Decimal(1))
    return amount * fraction


def seconds(start: datetime, end: datetime) -> Decimal:
    delta = end - start
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 1_000_000


def change_spec_price(
    old_monthly: Decimal,
    new_monthly: Decimal,
    now: datetime,
    expires_at: datetime,
    deductions: Sequence[Deduction] = (no_coupons,),
) -> tuple[LinePrice, Decimal]:
    """The difference for the remaining period: (new - old) monthly x remaining days / 30.

    Remaining days are exact ((expires_at - now) / 24 h). An upgrade's difference is the
    list amount (rounded once, as the line's due); a downgrade's is returned as the second
    value (exact, positive), the refund the caller caps at what was paid.
    """
    remaining_days = max(seconds(now, expires_at), ZERO) / Decimal(86400)
    difference = (new_monthly - old_monthly) * remaining_days / Decimal(30)
    rule = (
        f"CHANGE_SPEC: ({new_monthly} - {old_monthly}) per month x "
        f"{round_cents(remaining_days)} remaining day(s) / 30"
    )
    if difference >= 0:
        return settle(Amount(difference, rule), (), deductions), ZERO
    return settle(Amount(ZERO, rule + " (downgrade: refunded)"), ()), -difference


@dataclass(frozen=True, slots=True)
class RefundTerm:
    """Paid time of one completed line: `amount` bought [start, end), paid at `paid_at`."""

    amount: Decimal
    start: datetime
    end: datetime
    paid_at: datetime


def refund_amount(term: RefundTerm, now: datetime, full_refund_days: int) -> Amount:
    """What unsubscribing now gives back of `term` (rounded once, half-up to 0.01):

    - within `full_refund_days` x 24 h of the payment, or before the term starts: in full;
    - otherwise the unused part pro rata by time:
      `amount x (end - now) / (end - start)`, clamped to [0, amount].

    The result never exceeds what was paid.
    """
    full_until = term.paid_at.timestamp() + full_refund_days * 86400
    if now.timestamp() < full_until or now < term.start:
        return Amount(term.amount, f"FULL_REFUND: within {full_refund_days} days of purchase")
    unused = prorate(term.amount, seconds(now, term.end), seconds(term.start, term.end))
    return Amount(
        min(round_cents(unused), term.amount),
        f"PRO_RATA_REFUND: {term.amount} x unused time / term",
    )
