"""Pricing arithmetic: properties that hold for every input (hypothesis, few examples)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.orders import pricing
from app.services.orders.pricing import Amount, RefundTerm

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
START = datetime(2026, 1, 1, tzinfo=UTC)


@settings(max_examples=40)
@given(
    prices, prices, st.integers(1, 100), st.one_of(st.integers(1, 9), st.none()), st.integers(1, 3)
)
def test_due_is_never_negative_and_rounded_once(monthly, yearly, quantity, months, years):
    price = pricing.subscription_price(
        monthly, yearly, quantity, months=months, years=None if months else years
    )
    assert price.due.value >= 0
    assert price.due.value == price.due.value.quantize(Decimal("0.01"))
    expected = max(price.list_amount.value - price.discount_total - price.coupon_total, 0)
    assert price.due.value == pricing.round_cents(expected)


@settings(max_examples=40)
@given(st.lists(st.decimals(min_value=0, max_value=10000, places=6), min_size=1, max_size=20))
def test_order_total_is_the_sum_of_the_rounded_lines(exact_lists):
    lines = [pricing.settle(Amount(value, "test"), ()) for value in exact_lists]
    total = sum((line.due.value for line in lines), Decimal(0))
    assert total == total.quantize(Decimal("0.01"))
    assert total == sum((pricing.round_cents(v) for v in exact_lists), Decimal(0))


@settings(max_examples=40)
@given(
    st.decimals(min_value=0, max_value=1000, places=3),
    st.decimals(min_value=0, max_value=5000, places=3),
)
def test_a_coupon_step_never_takes_the_due_below_zero(list_value, coupon):
    def cash_coupon(remaining: Decimal) -> Amount:
        return Amount(coupon, "CASH_COUPON: test")

    line = pricing.settle(Amount(list_value, "list"), (), (cash_coupon,))
    assert line.due.value >= 0
    assert line.coupon_total <= list_value


@settings(max_examples=50)
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2),
    st.integers(1, 36),
    st.integers(0, 1200),
)
def test_refund_never_exceeds_what_was_paid(amount, months, days_later):
    term = RefundTerm(amount, START, START + timedelta(days=30 * months), START)
    now = START + timedelta(days=days_later, hours=7)
    refund = pricing.refund_amount(term, now, 5)
    assert 0 <= refund.value <= amount
    assert refund.value == refund.value.quantize(Decimal("0.01"))
    if days_later < 5:
        assert refund.value == amount


def test_yearly_discount_names_its_rule():
    price = pricing.subscription_price(Decimal("180.00"), Decimal("1836.00"), 1, years=1)
    assert price.list_amount.value == Decimal("2160.00")
    (discount,) = price.discounts
    assert discount.value == Decimal("324.00") and discount.rule.startswith("YEARLY_PRICE")
    assert price.due.value == Decimal("1836.00")


def test_no_yearly_discount_when_the_year_costs_twelve_months():
    price = pricing.subscription_price(Decimal("10.00"), Decimal("120.00"), 1, years=2)
    assert price.discounts == () and price.due.value == Decimal("240.00")


def test_pro_rata_refund_formula():
    term = RefundTerm(Decimal("300.00"), START, START + timedelta(days=30), START)
    refund = pricing.refund_amount(term, START + timedelta(days=10), 5)
    assert refund.value == Decimal("200.00") and refund.rule.startswith("PRO_RATA")
    half_cent = RefundTerm(Decimal("0.01"), START, START + timedelta(days=30), START)
    assert pricing.refund_amount(half_cent, START + timedelta(days=15), 5).value == Decimal("0.01")


def test_change_spec_difference():
    now = START
    price, refund = pricing.change_spec_price(
        Decimal("180.00"), Decimal("360.00"), now, now + timedelta(days=15)
    )
    assert price.due.value == Decimal("90.00") and refund == 0
    price, refund = pricing.change_spec_price(
        Decimal("360.00"), Decimal("180.00"), now, now + timedelta(days=15)
    )
    assert price.due.value == 0 and refund == Decimal("90")
