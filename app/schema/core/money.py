"""Money as it goes on the wire: an exact amount and its currency."""

from __future__ import annotations

from decimal import Decimal

import strawberry

CURRENCY = "CNY"


@strawberry.type(description="An amount of money.")
class Money:
    amount: Decimal = strawberry.field(description='Exact amount, e.g. "1234.50".')
    currency: str = strawberry.field(description="ISO 4217 currency code (always CNY).")

    @classmethod
    def cny(cls, amount: Decimal | None) -> Money | None:
        return None if amount is None else cls(amount=amount, currency=CURRENCY)


def money(amount: Decimal) -> Money:
    return Money(amount=amount, currency=CURRENCY)
