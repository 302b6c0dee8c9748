"""Root fields of money: accounts, adjustments, recharges, withdrawals."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.funds import adjustments as adjustment_resolvers
from app.resolvers.funds import customer_withdrawals as customer_withdrawal_resolvers
from app.resolvers.funds import recharges as recharge_resolvers
from app.resolvers.funds import statements as statement_resolvers
from app.resolvers.funds import withdrawals as withdrawal_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.funds import accounts as funds
from app.schema.funds import adjustments, customer_withdrawals, recharges, withdrawals
from app.schema.funds.adjustments import Adjustment, AdjustmentRecordFilter
from app.schema.funds.customer_withdrawals import CustomerWithdrawal, CustomerWithdrawalFilter
from app.schema.funds.recharges import Recharge, RechargeFilter, RemittanceAccount
from app.schema.funds.statements import StatementFilter, StatementLine
from app.schema.funds.withdrawals import Withdrawal, WithdrawalFilter


@strawberry.type(
    description="Read entry points: money: accounts, adjustments, recharges, withdrawals."
)
class Query:
    @strawberry.field(description="Adjustment records (调账记录), newest first.")
    async def adjustment_records(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AdjustmentRecordFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Adjustment]:
        page = await adjustment_resolvers.list_adjustments(
            info.context, filter, first, after, last, before
        )
        return connection(page, Adjustment.from_row)

    @strawberry.field(
        description=(
            "Statement of one of the partner's accounts (allocatable by default), newest "
            "first, each line with the balance after it (ADMIN, FINANCE, VIEWER)."
        )
    )
    async def statement(
        self,
        info: strawberry.Info,
        filter: Annotated[
            StatementFilter | None, strawberry.argument(description="Account and conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StatementLine]:
        page = await statement_resolvers.statement(info.context, filter, first, after, last, before)
        return connection(page, StatementLine.from_row)

    @strawberry.field(description="Recharges the caller may see, newest first.")
    async def recharges(
        self,
        info: strawberry.Info,
        filter: Annotated[
            RechargeFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Recharge]:
        page = await recharge_resolvers.list_recharges(
            info.context, filter, first, after, last, before
        )
        return connection(page, Recharge.from_row)

    @strawberry.field(
        description=(
            "Where the partner can recharge by bank transfer: its dedicated remittance account "
            "(专属汇款账号) and the vendor's general one (通用汇款账号) with the remark a "
            "transfer there must carry (any partner user)."
        )
    )
    async def remittance_accounts(self, info: strawberry.Info) -> list[RemittanceAccount]:
        accounts = await recharge_resolvers.remittance_accounts(info.context)
        return [RemittanceAccount.from_value(a) for a in accounts]

    @strawberry.field(description="The partner's withdrawal requests, newest first.")
    async def withdrawals(
        self,
        info: strawberry.Info,
        filter: Annotated[
            WithdrawalFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Withdrawal]:
        page = await withdrawal_resolvers.list_withdrawals(
            info.context, filter, first, after, last, before
        )
        return connection(page, Withdrawal.from_row)

    @strawberry.field(
        description=(
            "Customers' withdrawals of their frozen own cash, newest first: a customer's own; "
            "a partner's customers' (ADMIN, FINANCE; read-only); all (PLATFORM)."
        )
    )
    async def customer_withdrawals(
        self,
        info: strawberry.Info,
        filter: Annotated[
            CustomerWithdrawalFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CustomerWithdrawal]:
        page = await customer_withdrawal_resolvers.list_customer_withdrawals(
            info.context, filter, first, after, last, before
        )
        return connection(page, CustomerWithdrawal.from_row)


@strawberry.type(description="Changes: money (adjustments, budgets, recharges, withdrawals).")
class Mutation:
    adjust_customer_funds: adjustments.AdjustCustomerFundsPayload = strawberry.mutation(
        resolver=adjustments.adjust_customer_funds,
        description=(
            "Allocate money to, or retrieve it from, a RESELLER customer (FINANCE, ADMIN). "
            "Idempotent per idempotencyKey."
        ),
    )
    set_customer_credit_limit: funds.SetCustomerCreditLimitPayload = strawberry.mutation(
        resolver=funds.set_customer_credit_limit,
        description="Set or clear (0) a RESELLER customer's credit limit (FINANCE, ADMIN).",
    )
    create_recharge: recharges.CreateRechargePayload = strawberry.mutation(
        resolver=recharges.create_recharge,
        description=(
            "Order an online recharge (FINANCE, ADMIN; or a REFERRAL customer for itself). "
            "Money arrives when the platform confirms the payment."
        ),
    )
    confirm_recharge_payment: recharges.ConfirmRechargePaymentPayload = strawberry.mutation(
        resolver=recharges.confirm_recharge_payment,
        description="Confirm a recharge's payment and credit it (PLATFORM; once per reference).",
    )
    record_bank_transfer: recharges.RecordBankTransferPayload = strawberry.mutation(
        resolver=recharges.record_bank_transfer,
        description=(
            "Record a transfer to a partner's dedicated remittance account, or to the general "
            "remittance account naming the partner (PLATFORM)."
        ),
    )
    request_withdrawal: withdrawals.RequestWithdrawalPayload = strawberry.mutation(
        resolver=withdrawals.request_withdrawal,
        description="Ask to withdraw money (FINANCE, ADMIN); it is held until paid or rejected.",
    )
    approve_withdrawal: withdrawals.ApproveWithdrawalPayload = strawberry.mutation(
        resolver=withdrawals.approve_withdrawal,
        description="Approve a submitted withdrawal (PLATFORM).",
    )
    reject_withdrawal: withdrawals.RejectWithdrawalPayload = strawberry.mutation(
        resolver=withdrawals.reject_withdrawal,
        description="Reject a withdrawal with a reason; its money is released (PLATFORM).",
    )
    mark_withdrawal_paid: withdrawals.MarkWithdrawalPaidPayload = strawberry.mutation(
        resolver=withdrawals.mark_withdrawal_paid,
        description="Record an approved withdrawal as paid out (PLATFORM).",
    )
    delete_withdrawal: withdrawals.DeleteWithdrawalPayload = strawberry.mutation(
        resolver=withdrawals.delete_withdrawal,
        description="Delete a rejected withdrawal from the list (FINANCE, ADMIN).",
    )
    request_customer_withdrawal: customer_withdrawals.RequestCustomerWithdrawalPayload = (
        strawberry.mutation(
            resolver=customer_withdrawals.request_customer_withdrawal,
            description=(
                "Ask to withdraw your own cash frozen by a REFERRAL -> RESELLER switch to a "
                "bank account of your real-name company (CUSTOMER); it is held until paid "
                "or rejected."
            ),
        )
    )
    approve_customer_withdrawal: customer_withdrawals.ApproveCustomerWithdrawalPayload = (
        strawberry.mutation(
            resolver=customer_withdrawals.approve_customer_withdrawal,
            description="Approve a submitted customer withdrawal (PLATFORM).",
        )
    )
    reject_customer_withdrawal: customer_withdrawals.RejectCustomerWithdrawalPayload = (
        strawberry.mutation(
            resolver=customer_withdrawals.reject_customer_withdrawal,
            description=(
                "Reject a customer withdrawal with a reason; its cash is frozen own cash "
                "again (PLATFORM)."
            ),
        )
    )
    mark_customer_withdrawal_paid: customer_withdrawals.MarkCustomerWithdrawalPaidPayload = (
        strawberry.mutation(
            resolver=customer_withdrawals.mark_customer_withdrawal_paid,
            description="Record an approved customer withdrawal as paid out (PLATFORM).",
        )
    )
