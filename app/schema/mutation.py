"""The `Mutation` root. Each mutation: `verbNoun(input: VerbNounInput!): VerbNounPayload!`."""

from __future__ import annotations

import strawberry

from app.schema import adjustments, customers, funds, recharges, withdrawals


@strawberry.type(
    description=(
        "Changes. Each runs in its own savepoint: a payload with userErrors changed nothing."
    )
)
class Mutation:
    update_customer: customers.UpdateCustomerPayload = strawberry.mutation(
        resolver=customers.update_customer,
        description="Set a customer's labels and/or remark (ADMIN; SALES for managed customers).",
    )
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
        description="Record a transfer to a partner's dedicated remittance account (PLATFORM).",
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
