"""The `Mutation` root. Each mutation: `verbNoun(input: VerbNounInput!): VerbNounPayload!`."""

from __future__ import annotations

import strawberry

from app.schema import (
    account_managers,
    adjustments,
    association_changes,
    authorizations,
    company_registry,
    customers,
    disassociation_requests,
    funds,
    invitations,
    partners,
    recharges,
    registrations,
    withdrawals,
)


@strawberry.type(
    description=(
        "Changes. Each runs in its own savepoint: a payload with userErrors changed nothing."
    )
)
class Mutation:
    update_customer: customers.UpdateCustomerPayload = strawberry.mutation(
        resolver=customers.update_customer,
        description=("Set a customer's labels and/or remark (ADMIN; SALES for managed customers)."),
    )
    freeze_customer: customers.FreezeCustomerPayload = strawberry.mutation(
        resolver=customers.freeze_customer,
        description="Freeze a customer's account (PLATFORM); blocks association changes.",
    )
    unfreeze_customer: customers.UnfreezeCustomerPayload = strawberry.mutation(
        resolver=customers.unfreeze_customer,
        description="Unfreeze a customer's account (PLATFORM).",
    )
    submit_registration: registrations.SubmitRegistrationPayload = strawberry.mutation(
        resolver=registrations.submit_registration,
        description="Register a prospective customer (ADMIN, SALES; certified partners).",
    )
    update_registration: registrations.UpdateRegistrationPayload = strawberry.mutation(
        resolver=registrations.update_registration,
        description="Edit a registration pending review (ADMIN, SALES).",
    )
    withdraw_registration: registrations.WithdrawRegistrationPayload = strawberry.mutation(
        resolver=registrations.withdraw_registration,
        description=(
            "Withdraw a pending or approved registration (ADMIN, SALES); its open invitations die."
        ),
    )
    approve_registration: registrations.ApproveRegistrationPayload = strawberry.mutation(
        resolver=registrations.approve_registration,
        description="Approve a registration (PLATFORM); conflicts are checked again.",
    )
    reject_registration: registrations.RejectRegistrationPayload = strawberry.mutation(
        resolver=registrations.reject_registration,
        description="Reject a registration with a reason (PLATFORM).",
    )
    add_reserved_company: company_registry.AddReservedCompanyPayload = strawberry.mutation(
        resolver=company_registry.add_reserved_company,
        description="Reserve a company for the vendor (PLATFORM).",
    )
    remove_reserved_company: company_registry.RemoveReservedCompanyPayload = strawberry.mutation(
        resolver=company_registry.remove_reserved_company,
        description="Release a reserved company (PLATFORM).",
    )
    create_invitation: invitations.CreateInvitationPayload = strawberry.mutation(
        resolver=invitations.create_invitation,
        description=(
            "Invite a customer online (sent) or offline (link returned once) (ADMIN, SALES)."
        ),
    )
    resend_invitation: invitations.ResendInvitationPayload = strawberry.mutation(
        resolver=invitations.resend_invitation,
        description="Issue a new link for an open invitation; the old one dies (ADMIN, SALES).",
    )
    revoke_invitation: invitations.RevokeInvitationPayload = strawberry.mutation(
        resolver=invitations.revoke_invitation,
        description="Revoke an open invitation (ADMIN, SALES).",
    )
    accept_invitation: invitations.AcceptInvitationPayload = strawberry.mutation(
        resolver=invitations.accept_invitation,
        description=(
            "Accept an invitation: a customer as its own account, or the vendor's "
            "sign-up (PLATFORM) for a new one."
        ),
    )
    request_disassociation: association_changes.RequestDisassociationPayload = strawberry.mutation(
        resolver=association_changes.request_disassociation,
        description="Ask a customer to confirm ending its association (ADMIN).",
    )
    request_association_type_switch: association_changes.RequestAssociationTypeSwitchPayload = (
        strawberry.mutation(
            resolver=association_changes.request_association_type_switch,
            description="Ask a customer to confirm switching its association type (ADMIN).",
        )
    )
    confirm_association_change: association_changes.ConfirmAssociationChangePayload = (
        strawberry.mutation(
            resolver=association_changes.confirm_association_change,
            description="Confirm a partner's request; it takes effect now (CUSTOMER).",
        )
    )
    decline_association_change: association_changes.DeclineAssociationChangePayload = (
        strawberry.mutation(
            resolver=association_changes.decline_association_change,
            description="Decline a partner's request (CUSTOMER).",
        )
    )
    file_disassociation_request: disassociation_requests.FileDisassociationRequestPayload = (
        strawberry.mutation(
            resolver=disassociation_requests.file_disassociation_request,
            description="Ask the partner to end the association (CUSTOMER).",
        )
    )
    approve_disassociation_request: disassociation_requests.ApproveDisassociationRequestPayload = (
        strawberry.mutation(
            resolver=disassociation_requests.approve_disassociation_request,
            description="Approve a customer's disassociation request; it takes effect now (ADMIN).",
        )
    )
    reject_disassociation_request: disassociation_requests.RejectDisassociationRequestPayload = (
        strawberry.mutation(
            resolver=disassociation_requests.reject_disassociation_request,
            description="Reject a customer's disassociation request with a reason (ADMIN).",
        )
    )
    request_authorization: authorizations.RequestAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.request_authorization,
        description=(
            "Ask a RESELLER customer for PROXY_ORDER and/or OPERATIONS until an end (ADMIN, SALES)."
        ),
    )
    approve_authorization: authorizations.ApproveAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.approve_authorization,
        description="Grant a pending authorization (CUSTOMER).",
    )
    reject_authorization: authorizations.RejectAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.reject_authorization,
        description="Refuse a pending authorization (CUSTOMER).",
    )
    revoke_authorization: authorizations.RevokeAuthorizationPayload = strawberry.mutation(
        resolver=authorizations.revoke_authorization,
        description="Revoke a pending or active authorization (the CUSTOMER, or ADMIN/SALES).",
    )
    assign_account_manager: account_managers.AssignAccountManagerPayload = strawberry.mutation(
        resolver=account_managers.assign_account_manager,
        description=(
            "Make a SALES/ADMIN user the manager of up to 100 customers; per-item results (ADMIN)."
        ),
    )
    unassign_account_manager: account_managers.UnassignAccountManagerPayload = strawberry.mutation(
        resolver=account_managers.unassign_account_manager,
        description="Remove the manager of up to 100 customers; per-item results (ADMIN).",
    )
    update_partner_settings: partners.UpdatePartnerSettingsPayload = strawberry.mutation(
        resolver=partners.update_partner_settings,
        description="Change partner settings, e.g. whether SALES sees all customers (ADMIN).",
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
