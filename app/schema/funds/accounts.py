"""Accounts as the console shows them, and budgets (credit limits)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.resolvers.funds import accounts as resolvers
from app.schema.core.errors import UserError
from app.schema.core.money import Money, money
from app.schema.core.scalars import Amount
from app.services.funds.accounts import CustomerPosition

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer
    from app.schema.invoices.invoices import Invoice


@strawberry.type(description="A customer's account. The balance may be negative (credit, arrears).")
class CustomerAccount:
    position: strawberry.Private[CustomerPosition]

    @strawberry.field(description="Cash balance; negative when credit or arrears are used.")
    def balance(self) -> Money:
        return money(self.position.balance)

    @strawberry.field(description="Budget the partner grants (0: none).")
    def credit_limit(self) -> Money:
        return money(self.position.credit_limit)

    @strawberry.field(description="What the customer can still spend: balance + credit limit.")
    def available(self) -> Money:
        return money(self.position.available)

    @strawberry.field(description="Credit in use: min(-balance, creditLimit) when negative.")
    def credit_used(self) -> Money:
        return money(self.position.credit_used)

    @strawberry.field(description="Owed beyond the credit limit: max(0, -balance - creditLimit).")
    def arrears(self) -> Money:
        return money(self.position.arrears)

    @strawberry.field(
        description=(
            "The customer's own cash from before it became RESELLER: set aside, not "
            "spendable, withdrawable only by the customer."
        )
    )
    def frozen_own_cash(self) -> Money:
        return money(self.position.frozen_own_cash)

    @strawberry.field(
        description=(
            "Frozen own cash the customer asked to withdraw, held until the platform pays it "
            "out or rejects the request (then it is frozen again)."
        )
    )
    def own_cash_held(self) -> Money:
        return money(self.position.own_cash_held)


@strawberry.type(description="What the partner could withdraw now, by route.")
class Withdrawable:
    total: Money = strawberry.field(
        description="All withdrawable cash: the allocatable balance minus invoicedNotReturned."
    )
    original_route_only: Money = strawberry.field(
        description="Still inside an original-route window: may only go back to its payer."
    )
    bank_card: Money = strawberry.field(description="May leave by bank card.")
    incentive: Money = strawberry.field(
        description="Incentive money not yet claimed by a pending rebate withdrawal."
    )
    invoiced_not_returned: Money = strawberry.field(
        description="Refunded money still covered by issued invoices: it can't leave until "
        "those invoices are returned (INVOICED_NOT_RETURNED)."
    )
    invoice_ids: strawberry.Private[tuple[int, ...]]

    @strawberry.field(
        description="The issued invoices to return (newest first) to free invoicedNotReturned."
    )
    async def invoices_to_return(
        self, info: strawberry.Info
    ) -> list[Annotated[Invoice, strawberry.lazy("app.schema.invoices.invoices")]]:
        from app.schema.invoices.invoices import load_invoice

        found = await asyncio.gather(*(load_invoice(info, i) for i in self.invoice_ids))
        return [i for i in found if i is not None]


@strawberry.type(description="The partner's money: cash (allocatable + held) and incentive.")
class PartnerAccount:
    partner_id: strawberry.Private[int]
    allocatable_amount: strawberry.Private[Decimal]
    held_amount: strawberry.Private[Decimal]
    incentive_amount: strawberry.Private[Decimal]

    @strawberry.field(description="账户余额: allocatable + held.")
    def balance(self) -> Money:
        return money(self.allocatable_amount + self.held_amount)

    @strawberry.field(description="可拨款余额: cash to allocate, spend or withdraw.")
    def allocatable(self) -> Money:
        return money(self.allocatable_amount)

    @strawberry.field(description="Cash held by withdrawals awaiting payment.")
    def held(self) -> Money:
        return money(self.held_amount)

    @strawberry.field(description="Incentive (rebate) account.")
    def incentive(self) -> Money:
        return money(self.incentive_amount)

    @strawberry.field(description="What could be withdrawn now, by route.")
    async def withdrawable(self, info: strawberry.Info) -> Withdrawable:
        w = await resolvers.withdrawable(info.context, self.partner_id)
        return Withdrawable(
            total=money(w.total),
            original_route_only=money(w.original_route_only),
            bank_card=money(w.bank_card),
            incentive=money(w.incentive),
            invoiced_not_returned=money(w.invoiced_not_returned),
            invoice_ids=w.invoices_to_return,
        )


@strawberry.input(description="A customer's new credit limit (0 clears it).")
class SetCustomerCreditLimitInput:
    customer_id: strawberry.ID = strawberry.field(description="A RESELLER customer.")
    credit_limit: Amount = strawberry.field(description="Zero or more, at most 2 decimals.")
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")


@strawberry.type(description="Result of `setCustomerCreditLimit`.")
class SetCustomerCreditLimitPayload:
    customer: Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None = (
        strawberry.field(description="The customer, with its account as changed.")
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def set_customer_credit_limit(
    info: strawberry.Info,
    input: Annotated[
        SetCustomerCreditLimitInput, strawberry.argument(description="The new limit.")
    ],
) -> SetCustomerCreditLimitPayload:
    from app.schema.customers.customers import Customer

    outcome = await resolvers.set_customer_credit_limit(info.context, input)
    return SetCustomerCreditLimitPayload(
        customer=Customer.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )
