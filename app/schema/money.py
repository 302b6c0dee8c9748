"""Money: an exact amount with its currency."""

from __future__ import annotations

from decimal import Decimal

import strawberry

CURRENCY = "CNY"


@strawberry.type(description="An exact amount of money.")
class Money:
    amount: Decimal = strawberry.field(description="The amount, exact (a decimal string).")
    currency: str = strawberry.field(description="ISO 4217 currency code (CNY).")

    @classmethod
    def cny(cls, amount: Decimal | None) -> Money | None:
        return None if amount is None else cls(amount=amount, currency=CURRENCY)
