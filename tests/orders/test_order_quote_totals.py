"""Quote and order totals are one rule in the orders service: the lines' sums, display
amounts at cents (half-up, once), the due summed from the lines' already-rounded dues."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from app.services.orders.orders import totals
from app.services.orders.pricing import Amount


def line(list_amount: str, discount: str, coupon: str, due: str) -> SimpleNamespace:
    price = SimpleNamespace(
        list_amount=Amount(Decimal(list_amount), "list"),
        discount_total=Decimal(discount),
        coupon_total=Decimal(coupon),
        due=Amount(Decimal(due), "due"),
    )
    return SimpleNamespace(price=price)


def test_sums_are_rounded_once_half_up():
    # prorated list amounts carry more decimals; their sum is rounded, not each line
    result = totals(
        [line("10.004", "1.0025", "0", "9.00"), line("5.001", "0.0025", "0.50", "4.50")]
    )

    assert result.list_amount == Decimal("15.01")  # 15.005 -> 15.01 (half-up)
    assert result.discount_amount == Decimal("1.01")  # 1.005 -> 1.01
    assert result.coupon_amount == Decimal("0.50")
    assert result.amount_due == Decimal("13.50")


def test_no_lines_total_zero():
    result = totals([])

    assert (result.list_amount, result.amount_due) == (Decimal("0.00"), Decimal("0"))
