"""Adjustment type, adjustment records and the `adjustCustomerFunds` mutation."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.clock import business_date
from app.globalid import to_global_id
from app.resolvers.funds import adjustments as resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.errors import UserError
from app.schema.core.money import Money, money
from app.schema.core.relay import DateTimeRange, Node
from app.schema.core.scalars import Amount
from app.schema.funds.enums import AdjustmentInputKind, AdjustmentKind
from app.schema.partners.partners import PartnerUser

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer


@strawberry.type(description="An allocation to or retrieval from a customer account (调账记录).")
class Adjustment(Node):
    row: strawberry.Private[Any]
    kind: AdjustmentKind = strawberry.field(description="Allocation or retrieval.")
    amount: Money = strawberry.field(description="Amount moved (always positive).")
    remark: str = strawberry.field(description="The partner's note.")
    transaction_id: str = strawberry.field(
        description="Ledger transaction id, e.g. TX20260615-7KQ2M9XD4RTA (date, random part)."
    )
    created_at: datetime = strawberry.field(description="When it happened.")
    business_date: date = strawberry.field(
        description="The business date (Asia/Shanghai by default) it happened on."
    )

    @strawberry.field(description="The customer account it moved money to or from.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="Who made it (null for automatic retrievals).")
    async def created_by(self, info: strawberry.Info) -> PartnerUser | None:
        row = await partner_resolvers.load_partner_user(info.context, self.row.created_by_user_id)
        return None if row is None else PartnerUser.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Adjustment:
        return cls(
            id=strawberry.ID(to_global_id("Adjustment", row.id)),
            row=row,
            kind=row.kind,
            amount=money(row.amount),
            remark=row.remark,
            transaction_id=row.transaction_no,
            created_at=row.created_at,
            business_date=business_date(row.created_at),
        )


@strawberry.input(description="Conditions on adjustment records; all given ones apply.")
class AdjustmentRecordFilter:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's."
    )
    kinds: list[AdjustmentKind] | None = strawberry.field(
        default=None, description="Any of these kinds."
    )
    created_between: DateTimeRange | None = strawberry.field(
        default=None, description="Made within this range."
    )
    transaction_id: str | None = strawberry.field(
        default=None, description="Exactly this transaction id."
    )


@strawberry.input(description="Move money between the partner and a RESELLER customer.")
class AdjustCustomerFundsInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    kind: AdjustmentInputKind = strawberry.field(description="ALLOCATE or RETRIEVE.")
    amount: Amount = strawberry.field(description="Greater than 0, at most 2 decimals.")
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")
    remark: str = strawberry.field(default="", description="Note, at most 200 characters.")
    idempotency_key: str = strawberry.field(
        description="Your unique key for this call; a retry with it returns the first result."
    )


@strawberry.type(description="Result of `adjustCustomerFunds`.")
class AdjustCustomerFundsPayload:
    adjustment: Adjustment | None = strawberry.field(description="The adjustment made.")
    customer: Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None = (
        strawberry.field(description="The customer, with its account after the adjustment.")
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def adjust_customer_funds(
    info: strawberry.Info,
    input: Annotated[AdjustCustomerFundsInput, strawberry.argument(description="What to move.")],
) -> AdjustCustomerFundsPayload:
    from app.schema.customers.customers import Customer

    outcome = await resolvers.adjust_customer_funds(info.context, input)
    value = outcome.value or {}
    adjustment, customer = value.get("adjustment"), value.get("customer")
    return AdjustCustomerFundsPayload(
        adjustment=Adjustment.from_row(adjustment) if adjustment is not None else None,
        customer=Customer.from_row(customer) if customer is not None else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )
