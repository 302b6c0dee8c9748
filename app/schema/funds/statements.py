"""Statement lines of the partner's accounts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from app.clock import business_date
from app.schema.core.money import Money, money
from app.schema.core.relay import DateTimeRange
from app.schema.funds.enums import LedgerKind, PartnerLedgerAccount


@strawberry.type(description="One line of an account statement, with the balance after it.")
class StatementLine:
    occurred_at: datetime = strawberry.field(description="When it was booked.")
    business_date: date = strawberry.field(
        description=(
            "The business date (Asia/Shanghai by default) it was booked on: the day a report "
            "grouping by day puts it under, as consumption's DAY summaries do."
        )
    )
    kind: LedgerKind = strawberry.field(description="What it records.")
    amount: Money = strawberry.field(description="Signed: positive in, negative out.")
    balance_after: Money = strawberry.field(description="The account's balance after it.")
    transaction_id: str = strawberry.field(
        description="Ledger transaction id: TX, the business date, a random part."
    )
    reference: str = strawberry.field(
        description='What caused it, e.g. "Customer:12" or "Withdrawal:3".'
    )

    @classmethod
    def from_row(cls, row: Any) -> StatementLine:
        return cls(
            occurred_at=row.created_at,
            business_date=business_date(row.created_at),
            kind=row.kind,
            amount=money(row.amount),
            balance_after=money(row.balance_after),
            transaction_id=row.number,
            reference=row.reference,
        )


@strawberry.input(description="Which statement and which lines.")
class StatementFilter:
    account: PartnerLedgerAccount = strawberry.field(
        default=PartnerLedgerAccount.ALLOCATABLE, description="The account (default ALLOCATABLE)."
    )
    occurred_between: DateTimeRange | None = strawberry.field(
        default=None, description="Lines booked within this range."
    )
    kinds: list[LedgerKind] | None = strawberry.field(
        default=None, description="Only these kinds of lines."
    )
