"""The coupon arithmetic of pricing (pure): properties for every input (hypothesis)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.coupons.split import split
from app.services.orders import pricing
from app.services.orders.pricing import Amount, CouponTerms

cents = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.9999"), places=4)


@st.composite
def coupon_sets(draw):
    bases = draw(st.lists(cents, min_size=1, max_size=5))
    n = len(bases)
    coupons = []
    if draw(st.booleans()):
        coupons.append(("D", draw(rates), draw(cents)))
    for _ in range(draw(st.integers(0, 3))):
        coupons.append(("C", None, draw(cents)))
    terms = [
        CouponTerms(
            key=k,
            label=f"c{k}",
            discount=kind == "D",
            balance=balance,
            rate=rate,
            lines=tuple(sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))),
        )
        for k, (kind, rate, balance) in enumerate(coupons)
    ]
    return bases, terms


@settings(max_examples=200)
@given(coupon_sets())
def test_coupon_shares_add_up_and_no_line_goes_below_zero(case):
    bases, terms = case
    deductions = pricing.apply_coupons(bases, terms)
    left = list(bases)
    for term, d in zip(terms, deductions, strict=True):
        applicable = sum((left[i] for i in term.lines), Decimal(0))
        assert sum((s.value for _, s in d.shares), Decimal(0)) == d.amount.value
        assert 0 <= d.amount.value <= term.balance
        assert d.amount.value == d.amount.value.quantize(Decimal("0.01"))
        if term.discount:
            raw = ((1 - term.rate) * applicable).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert d.amount.value == min(raw, term.balance)
        else:
            assert d.amount.value == min(term.balance, applicable)
        for i, share in d.shares:
            assert i in term.lines and 0 < share.value <= left[i]
            left[i] -= share.value
    for i, base in enumerate(bases):
        price = pricing.LinePrice(Amount(base, "list"), due=Amount(base, "due"))
        shares = [s for d in deductions for j, s in d.shares if j == i]
        assert pricing.with_coupons(price, shares).due.value == left[i] >= 0


@settings(max_examples=200)
@given(
    st.lists(cents, min_size=1, max_size=8),
    st.integers(0, 100),
    st.sampled_from([Decimal("0.01"), Decimal("0.00000001")]),
)
def test_split_never_gives_a_share_more_than_its_weight(weights, percent, quantum):
    whole = sum(weights, Decimal(0))
    total = (whole * percent / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    shares = split(total, weights, quantum)
    assert sum(shares, Decimal(0)) == total
    assert all(Decimal(0) <= s <= w for s, w in zip(shares, weights, strict=True))


def test_split_carries_a_too_large_remainder_back():
    # five lines of 0.01 sharing 0.02: every proportional share (0.004) rounds to 0.00
    assert split(Decimal("0.02"), [Decimal("0.01")] * 5) == [Decimal("0.00")] * 3 + [
        Decimal("0.01"),
        Decimal("0.01"),
    ]


def test_a_voucher_of_a_longer_or_equal_period_makes_one_unit_free():
    line = pricing.subscription_price(Decimal("180.00"), Decimal("1836.00"), 2, years=1)
    free = pricing.voucher_deduction(line, 2, 12, 12, Decimal("1836.00"))
    assert free.value == Decimal("1836.00") and free.rule.startswith("PICKUP_VOUCHER")
    assert pricing.with_voucher(line, free).due.value == Decimal("1836.00")
    part = pricing.voucher_deduction(line, 2, 12, 9, Decimal("1620.00"))
    assert part.value == Decimal("1620.00") and "3 month(s) are paid" in part.rule
