"""Withdrawal type, lists, and the withdrawal mutations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.funds import withdrawals as resolvers
from app.schema.core.errors import UserError
from app.schema.core.money import Money, money
from app.schema.core.relay import Node
from app.schema.core.scalars import Amount
from app.schema.funds.enums import WithdrawalRoute, WithdrawalStatus
from app.schema.funds.recharges import Recharge
from app.services.core.masking import mask_card_number
from app.services.core.working_days import is_past_due


@strawberry.type(description="The bank card a withdrawal pays (number masked).")
class BankCard:
    holder: str = strawberry.field(
        description="Account holder: the partner's certified company (a customer's "
        "withdrawal: its real-name company)."
    )
    bank_name: str = strawberry.field(description="Bank.")
    card_number: str = strawberry.field(description="Card number, all but the last 4 masked.")


@strawberry.type(description="A request to pay money out, reviewed by the platform (提现).")
class Withdrawal(Node):
    row: strawberry.Private[Any]
    route: WithdrawalRoute = strawberry.field(description="How the money leaves.")
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

    @strawberry.field(description="The bank card (BANK_CARD route).")
    def bank_card(self) -> BankCard | None:
        row = self.row
        if not row.card_number:
            return None
        return BankCard(
            holder=row.account_holder,
            bank_name=row.bank_name,
            card_number=mask_card_number(row.card_number),
        )

    @strawberry.field(description="The recharge returned to its payer (ORIGINAL_ROUTE).")
    async def recharge(self, info: strawberry.Info) -> Recharge | None:
        if self.row.recharge_id is None:
            return None
        row = await info.context.loaders.recharge.load(self.row.recharge_id)
        return None if row is None else Recharge.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Withdrawal:
        return cls(
            id=strawberry.ID(to_global_id("Withdrawal", row.id)),
            row=row,
            route=row.route,
            status=row.status,
            amount=money(row.amount),
            reject_reason=row.reject_reason or None,
            created_at=row.created_at,
            reviewed_at=row.reviewed_at,
            paid_at=row.paid_at,
            due_date=row.due_date,
            overdue=row.status is WithdrawalStatus.APPROVED and is_past_due(row.due_date),
        )


@strawberry.input(description="Conditions on withdrawals; all given ones apply.")
class WithdrawalFilter:
    statuses: list[WithdrawalStatus] | None = strawberry.field(
        default=None, description="Any of these states."
    )
    routes: list[WithdrawalRoute] | None = strawberry.field(
        default=None, description="Any of these routes."
    )


@strawberry.input(description="The bank card to pay (BANK_CARD route).")
class BankCardInput:
    holder: str = strawberry.field(description="Must be the partner's certified company name.")
    bank_name: str = strawberry.field(description="Bank name.")
    card_number: str = strawberry.field(description="12 to 30 digits.")


@strawberry.input(description="Ask to withdraw money.")
class RequestWithdrawalInput:
    route: WithdrawalRoute = strawberry.field(description="How it leaves.")
    amount: Amount = strawberry.field(description="Greater than 0, at most 2 decimals.")
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")
    recharge_id: strawberry.ID | None = strawberry.field(
        default=None, description="ORIGINAL_ROUTE: the recharge to return."
    )
    bank_card: BankCardInput | None = strawberry.field(
        default=None, description="BANK_CARD: the card to pay."
    )
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(description="Approve a withdrawal (PLATFORM).")
class ApproveWithdrawalInput:
    withdrawal_id: strawberry.ID = strawberry.field(description="The withdrawal.")


@strawberry.input(description="Reject a withdrawal (PLATFORM); held money goes back.")
class RejectWithdrawalInput:
    withdrawal_id: strawberry.ID = strawberry.field(description="The withdrawal.")
    reason: str = strawberry.field(description="Why (1-500 characters), shown to the partner.")
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(description="Record that an approved withdrawal was paid (PLATFORM).")
class MarkWithdrawalPaidInput:
    withdrawal_id: strawberry.ID = strawberry.field(description="The withdrawal.")
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(description="Delete a rejected withdrawal from the list.")
class DeleteWithdrawalInput:
    withdrawal_id: strawberry.ID = strawberry.field(description="The rejected withdrawal.")


@strawberry.type(description="Result of `requestWithdrawal`.")
class RequestWithdrawalPayload:
    withdrawal: Withdrawal | None = strawberry.field(description="The withdrawal.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `approveWithdrawal`.")
class ApproveWithdrawalPayload(RequestWithdrawalPayload):
    pass


@strawberry.type(description="Result of `rejectWithdrawal`.")
class RejectWithdrawalPayload(RequestWithdrawalPayload):
    pass


@strawberry.type(description="Result of `markWithdrawalPaid`.")
class MarkWithdrawalPaidPayload(RequestWithdrawalPayload):
    pass


@strawberry.type(description="Result of `deleteWithdrawal`.")
class DeleteWithdrawalPayload:
    deleted_withdrawal_id: strawberry.ID | None = strawberry.field(
        description="Id of the deleted withdrawal."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


def _payload(cls: type[RequestWithdrawalPayload], outcome: Any) -> Any:
    return cls(
        withdrawal=Withdrawal.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )


async def request_withdrawal(
    info: strawberry.Info,
    input: Annotated[RequestWithdrawalInput, strawberry.argument(description="The request.")],
) -> RequestWithdrawalPayload:
    outcome = await resolvers.request_withdrawal(info.context, input)
    return _payload(RequestWithdrawalPayload, outcome)


async def approve_withdrawal(
    info: strawberry.Info,
    input: Annotated[ApproveWithdrawalInput, strawberry.argument(description="Which.")],
) -> ApproveWithdrawalPayload:
    outcome = await resolvers.approve_withdrawal(info.context, input)
    return _payload(ApproveWithdrawalPayload, outcome)


async def reject_withdrawal(
    info: strawberry.Info,
    input: Annotated[RejectWithdrawalInput, strawberry.argument(description="Which and why.")],
) -> RejectWithdrawalPayload:
    outcome = await resolvers.reject_withdrawal(info.context, input)
    return _payload(RejectWithdrawalPayload, outcome)


async def mark_withdrawal_paid(
    info: strawberry.Info,
    input: Annotated[MarkWithdrawalPaidInput, strawberry.argument(description="Which.")],
) -> MarkWithdrawalPaidPayload:
    outcome = await resolvers.mark_withdrawal_paid(info.context, input)
    return _payload(MarkWithdrawalPaidPayload, outcome)


async def delete_withdrawal(
    info: strawberry.Info,
    input: Annotated[DeleteWithdrawalInput, strawberry.argument(description="Which.")],
) -> DeleteWithdrawalPayload:
    outcome = await resolvers.delete_withdrawal(info.context, input)
    deleted = (
        strawberry.ID(to_global_id("Withdrawal", outcome.value))
        if outcome.value is not None
        else None
    )
    return DeleteWithdrawalPayload(
        deleted_withdrawal_id=deleted,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )
