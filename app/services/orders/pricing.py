"""Pricing as pure functions: list amount, discounts, coupon deductions, amount due, refunds.

Every number carries the rule that produced it (`Amount.rule`), so a quote explains itself.

The arithmetic of one line:

    list      = catalog price x quantity x period             (exact)
    discount  = sum of discount steps (e.g. YEARLY_PRICE)      (exact)
    voucher   = a pickup voucher's deduction (PICKUP_VOUCHER)  (exact cents)
    coupons   = each coupon's share of the line, in cents      (see `apply_coupons`)
    due       = round_half_up(max(0, list - discount - voucher - coupons), 0.01)

**The one rounding point is the line's amount due**: everything before it is exact Decimal
arithmetic; the order's total is the sum of the lines' rounded dues, so "sum of line amounts
= order total" holds by construction. Catalog prices have 2 decimals, so list and discount
of NEW and RENEW lines are exact cents; only prorated amounts (CHANGE_SPEC, refunds) have
more decimals, and they are rounded at that same single point.

A pickup voucher is a `Deduction` step of its line (`voucher_deduction`, applied by
`settle`). Coupons apply to the whole order (DOMAIN.md: the discount coupon first, then cash
coupons), each to what is left of the lines it applies to: `apply_coupons` works on the
lines' amounts before coupons in cents (their dues so far) and splits each coupon's deduction
over its lines in proportion (`app.services.coupons.split`), and `with_coupons` takes each
line's shares off its due. Coupon shares are whole cents, so taking them off the rounded due
is the same as rounding once after them: round(x) - c = round(x - c) for a multiple c of
0.01 and x - c >= 0, which the split guarantees (no share exceeds what is left of its line).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from app.services.coupons.split import split

ZERO = Decimal("0")
CENT = Decimal("0.01")
DUE_RULE = "DUE: list - discount - coupons, not below 0, rounded half-up to 0.01 once"


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
    deductions: Sequence[Deduction] = (),
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
    due = Amount(round_cents(max(remaining, ZERO)), DUE_RULE)
    return LinePrice(list_amount, tuple(discounts), tuple(coupons), due)


def subscription_price(
    monthly: Decimal,
    yearly: Decimal | None,
    quantity: int,
    months: int | None = None,
    years: int | None = None,
    deductions: Sequence[Deduction] = (),
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


def voucher_deduction(
    price: LinePrice,
    quantity: int,
    line_months: int,
    voucher_months: int,
    voucher_value: Decimal,
) -> Amount:
    """What a pickup voucher takes off its line (rule PICKUP_VOUCHER): one unit of the line.

    - the line's period is the voucher's or shorter: that unit is free (its whole amount
      after discounts: list - discounts, divided by the quantity);
    - the line's period is longer: the voucher pays `voucher_value`, the price of one unit
      for the voucher's own period (what `subscription_price` gives for it: the yearly price
      for a voucher of years), never more than the unit's amount; the rest is paid.

    The other units of a line of quantity > 1 are paid as usual.
    """
    per_unit = max(price.list_amount.value - price.discount_total, ZERO) / quantity
    of = f" (1 of {quantity} units)" if quantity > 1 else ""
    if line_months <= voucher_months:
        return Amount(
            per_unit,
            f"PICKUP_VOUCHER: one unit for {line_months} month(s), within the voucher's "
            f"{voucher_months} month(s): free{of}",
        )
    return Amount(
        min(voucher_value, per_unit),
        f"PICKUP_VOUCHER: one unit for the voucher's {voucher_months} month(s) at "
        f"{voucher_value}; the other {line_months - voucher_months} month(s) are paid{of}",
    )


def with_voucher(price: LinePrice, deduction: Amount) -> LinePrice:
    """The line priced again with its voucher's deduction (before any coupon)."""
    return settle(price.list_amount, price.discounts, (lambda remaining: deduction,))


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """What pricing needs of one coupon: what it can still deduct (`balance`), its `rate`
    (DISCOUNT: the share the customer pays), and the lines (indexes) it applies to."""

    key: int
    label: str
    discount: bool
    balance: Decimal
    rate: Decimal | None
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CouponDeduction:
    """One coupon's deduction on the order and its share of each line (positive shares)."""

    key: int
    position: int
    amount: Amount
    shares: tuple[tuple[int, Amount], ...]


def apply_coupons(
    bases: Sequence[Decimal], coupons: Sequence[CouponTerms]
) -> list[CouponDeduction]:
    """Apply `coupons` in the order given to the lines' amounts before coupons (`bases`,
    cents), each to what the ones before it left of its lines:

    - DISCOUNT: (1 - rate) x applicable, half-up to 0.01, at most its balance;
    - CASH: min(balance, applicable);

    where applicable = what is left of the lines it applies to. The deduction is split over
    those lines in proportion to what is left of each (half-up to 0.01, the remainder on the
    last line, no share above what is left of its line), so no line goes below zero.
    """
    left = list(bases)
    result: list[CouponDeduction] = []
    for position, coupon in enumerate(coupons):
        lines = [i for i in coupon.lines if left[i] > ZERO]
        applicable = sum((left[i] for i in lines), ZERO)
        if coupon.discount:
            assert coupon.rate is not None
            raw = round_cents((1 - coupon.rate) * applicable)
            value = min(raw, coupon.balance, applicable)
            rule = f"DISCOUNT_COUPON {coupon.label}: (1 - {coupon.rate}) x {applicable} = {raw}"
            if value < raw:
                rule += f", capped at its balance {coupon.balance}"
        else:
            value = min(coupon.balance, applicable)
            rule = (
                f"CASH_COUPON {coupon.label}: min(balance {coupon.balance}, {applicable} left "
                "on its lines)"
            )
        kind = "DISCOUNT_COUPON" if coupon.discount else "CASH_COUPON"
        shares: list[tuple[int, Amount]] = []
        for i, share in zip(lines, split(value, [left[i] for i in lines]), strict=True):
            left[i] -= share
            if share > ZERO:
                note = f"{kind} {coupon.label}: {share} of its {value}, pro rata over "
                shares.append((i, Amount(share, note + f"{len(lines)} line(s)")))
        result.append(CouponDeduction(coupon.key, position, Amount(value, rule), tuple(shares)))
    return result


def with_coupons(price: LinePrice, shares: Sequence[Amount]) -> LinePrice:
    """The line with its coupon shares (whole cents) taken off its due."""
    due = price.due.value - sum((s.value for s in shares), ZERO)
    if due < ZERO:
        raise ValueError("coupon shares never exceed what is left of a line")
    return LinePrice(
        price.list_amount, price.discounts, price.coupons + tuple(shares), Amount(due, DUE_RULE)
    )


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
    deductions: Sequence[Deduction] = (),
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
