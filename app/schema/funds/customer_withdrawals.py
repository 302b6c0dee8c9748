"""Customer withdrawals (a customer taking out its own frozen cash): type, list filter and
mutations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.funds import customer_withdrawals as resolvers
from app.schema.core.errors import UserError
from app.schema.core.money import Money, money
from app.schema.core.relay import Node
from app.schema.core.scalars import Amount
from app.schema.funds.enums import WithdrawalStatus
from app.schema.funds.withdrawals import BankCard, BankCardInput
from app.services.core.masking import mask_card_number
from app.services.core.working_days import is_past_due

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer


@strawberry.type(
    description=(
        "A customer's request to withdraw its own cash frozen by a REFERRAL -> RESELLER "
        "switch, reviewed by the platform. The partner's ADMIN and FINANCE see those of its "
        "customers, read-only."
    )
)
class CustomerWithdrawal(Node):
    row: strawberry.Private[Any]
    status: WithdrawalStatus = strawberry.field(description="Review state.")
    amount: Money = strawberry.field(description="Amount to pay out.")
    reject_reason: str | None = strawberry.field(description="Why it was rejected.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    reviewed_at: datetime | None = strawberry.field(description="When it was approved/rejected.")
    paid_at: datetime | None = strawberry.field(description="When it was paid.")
    due_date: date | None = strawberry.field(
        description="Business date (Asia/Shanghai) by which the platform pays it: the "
        "approval's business date plus seven working days (Monday-Friday, minus public "
        "holidays, plus make-up working days). Null until approved."
    )
    overdue: bool = strawberry.field(
        description="Whether it is approved, still unpaid, and its due date has ended (now)."
    )

    @strawberry.field(description="The bank account it pays (the customer's real-name company).")
    def bank_card(self) -> BankCard | None:
        row = self.row
        return BankCard(
            holder=row.account_holder,
            bank_name=row.bank_name,
            card_number=mask_card_number(row.card_number),
        )

    @strawberry.field(description="The customer (association) whose frozen cash it pays out.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> CustomerWithdrawal:
        return cls(
            id=strawberry.ID(to_global_id("CustomerWithdrawal", row.id)),
            row=row,
            status=row.status,
            amount=money(row.amount),
            reject_reason=row.reject_reason or None,
            created_at=row.created_at,
            reviewed_at=row.reviewed_at,
            paid_at=row.paid_at,
            due_date=row.due_date,
            overdue=row.status is WithdrawalStatus.APPROVED and is_past_due(row.due_date),
        )


@strawberry.input(description="Conditions on customer withdrawals; all given ones apply.")
class CustomerWithdrawalFilter:
    statuses: list[WithdrawalStatus] | None = strawberry.field(
        default=None, description="Any of these states."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's."
    )


@strawberry.input(description="Ask to withdraw frozen own cash (CUSTOMER).")
class RequestCustomerWithdrawalInput:
    customer_id: strawberry.ID = strawberry.field(
        description="Your association (customer id) whose account holds the frozen cash."
    )
    amount: Amount = strawberry.field(
        description="Greater than 0, at most 2 decimals, at most the frozen own cash."
    )
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")
    bank_card: BankCardInput = strawberry.field(
        description="The bank account to pay; its holder must be your real-name company."
    )
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(description="Approve a customer withdrawal (PLATFORM).")
class ApproveCustomerWithdrawalInput:
    customer_withdrawal_id: strawberry.ID = strawberry.field(description="The withdrawal.")


@strawberry.input(description="Reject a customer withdrawal (PLATFORM); the cash is frozen again.")
class RejectCustomerWithdrawalInput:
    customer_withdrawal_id: strawberry.ID = strawberry.field(description="The withdrawal.")
    reason: str = strawberry.field(description="Why (1-500 characters), shown to the customer.")
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(description="Record that an approved customer withdrawal was paid (PLATFORM).")
class MarkCustomerWithdrawalPaidInput:
    customer_withdrawal_id: strawberry.ID = strawberry.field(description="The withdrawal.")
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.type(description="Result of `requestCustomerWithdrawal`.")
class RequestCustomerWithdrawalPayload:
    customer_withdrawal: CustomerWithdrawal | None = strawberry.field(description="The withdrawal.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `approveCustomerWithdrawal`.")
class ApproveCustomerWithdrawalPayload(RequestCustomerWithdrawalPayload):
    pass


@strawberry.type(description="Result of `rejectCustomerWithdrawal`.")
class RejectCustomerWithdrawalPayload(RequestCustomerWithdrawalPayload):
    pass


@strawberry.type(description="Result of `markCustomerWithdrawalPaid`.")
class MarkCustomerWithdrawalPaidPayload(RequestCustomerWithdrawalPayload):
    pass


def _payload(cls: type[RequestCustomerWithdrawalPayload], outcome: Any) -> Any:
    return cls(
        customer_withdrawal=CustomerWithdrawal.from_row(outcome.value)
        if outcome.value is not None
        else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )


async def request_customer_withdrawal(
    info: strawberry.Info,
    input: Annotated[
        RequestCustomerWithdrawalInput, strawberry.argument(description="The request.")
    ],
) -> RequestCustomerWithdrawalPayload:
    outcome = await resolvers.request_customer_withdrawal(info.context, input)
    return _payload(RequestCustomerWithdrawalPayload, outcome)


async def approve_customer_withdrawal(
    info: strawberry.Info,
    input: Annotated[ApproveCustomerWithdrawalInput, strawberry.argument(description="Which.")],
) -> ApproveCustomerWithdrawalPayload:
    outcome = await resolvers.approve_customer_withdrawal(info.context, input)
    return _payload(ApproveCustomerWithdrawalPayload, outcome)


async def reject_customer_withdrawal(
    info: strawberry.Info,
    input: Annotated[
        RejectCustomerWithdrawalInput, strawberry.argument(description="Which and why.")
    ],
) -> RejectCustomerWithdrawalPayload:
    outcome = await resolvers.reject_customer_withdrawal(info.context, input)
    return _payload(RejectCustomerWithdrawalPayload, outcome)


async def mark_customer_withdrawal_paid(
    info: strawberry.Info,
    input: Annotated[MarkCustomerWithdrawalPaidInput, strawberry.argument(description="Which.")],
) -> MarkCustomerWithdrawalPaidPayload:
    outcome = await resolvers.mark_customer_withdrawal_paid(info.context, input)
    return _payload(MarkCustomerWithdrawalPaidPayload, outcome)
