"""`CASES` entries of the funds mutations (see `mutation_cases`)."""

from __future__ import annotations

from decimal import Decimal

from app.models import Recharge
from app.models.funds.enums import RechargeChannel, RechargeStatus, WithdrawalRoute
from app.models.partners.enums import Role
from app.services.funds import (
    customer_withdrawal_reviews,
    customer_withdrawals,
    withdrawal_reviews,
    withdrawals,
)
from app.services.funds.withdrawals import BankCard
from tests.core.mutation_cases import case, gid, partner_with
from tests.factories import customer_token, make_customer, make_partner, make_user, platform_token
from tests.funds.customer_withdrawal_helpers import as_customer, frozen_customer
from tests.funds.helpers import acting_as, platform, recharge

# --- funds --------------------------------------------------------------------------------


async def _funded(session):
    partner, finance = await partner_with(session, Role.FINANCE)
    return partner, finance, await recharge(session, partner, "1000.00")


@case("adjustCustomerFunds")
async def _adjust_customer_funds(session, client):
    partner, finance, _ = await _funded(session)
    customer = await make_customer(session, partner)
    return finance, {
        "customerId": gid("Customer", customer),
        "kind": "ALLOCATE",
        "amount": "10.00",
        "idempotencyKey": "audit-1",
    }


@case("setCustomerCreditLimit")
async def _set_customer_credit_limit(session, client):
    partner, finance = await partner_with(session, Role.FINANCE)
    customer = await make_customer(session, partner)
    return finance, {"customerId": gid("Customer", customer), "creditLimit": "100.00"}


@case("createRecharge")
async def _create_recharge(session, client):
    _partner, finance = await partner_with(session, Role.FINANCE)
    return finance, {"channel": "ALIPAY", "amount": "100.00", "idempotencyKey": "audit-1"}


@case("confirmRechargePayment")
async def _confirm_recharge_payment(session, client):
    partner = await make_partner(session)
    pending = Recharge(
        partner_id=partner.id,
        channel=RechargeChannel.ALIPAY,
        amount=Decimal("100.00"),
        status=RechargeStatus.PENDING,
    )
    session.add(pending)
    await session.flush()
    return await platform_token(session), {
        "rechargeId": gid("Recharge", pending),
        "paymentReference": "audit-pay-1",
        "amount": "100.00",
        "idempotencyKey": "audit-1",
    }


@case("recordBankTransfer")
async def _record_bank_transfer(session, client):
    partner = await make_partner(session)
    return await platform_token(session), {
        "remittanceAccount": partner.remittance_account_number,
        "paymentReference": "audit-bank-1",
        "amount": "500.00",
        "idempotencyKey": "audit-1",
    }


@case("requestWithdrawal")
async def _request_withdrawal(session, client):
    _partner, finance, paid = await _funded(session)
    return finance, {
        "route": "ORIGINAL_ROUTE",
        "amount": "100.00",
        "rechargeId": gid("Recharge", paid),
        "idempotencyKey": "audit-1",
    }


async def _withdrawal(session, *, approved=False, rejected=False):
    partner, finance, paid = await _funded(session)
    user = await make_user(session, partner, Role.FINANCE)
    requested = await withdrawals.request_withdrawal(
        acting_as(session, user), WithdrawalRoute.ORIGINAL_ROUTE, Decimal("100.00"),
        recharge_id=paid.id,
    )  # fmt: skip
    if approved:
        await withdrawal_reviews.approve_withdrawal(platform(session), requested.id)
    if rejected:
        await withdrawal_reviews.reject_withdrawal(platform(session), requested.id, "no")
    return finance, requested


@case("approveWithdrawal")
async def _approve_withdrawal(session, client):
    _finance, requested = await _withdrawal(session)
    return await platform_token(session), {"withdrawalId": gid("Withdrawal", requested)}


@case("rejectWithdrawal")
async def _reject_withdrawal(session, client):
    _finance, requested = await _withdrawal(session)
    return await platform_token(session), {
        "withdrawalId": gid("Withdrawal", requested),
        "reason": "unverified payee",
        "idempotencyKey": "audit-1",
    }


@case("markWithdrawalPaid")
async def _mark_withdrawal_paid(session, client):
    _finance, approved = await _withdrawal(session, approved=True)
    return await platform_token(session), {
        "withdrawalId": gid("Withdrawal", approved),
        "idempotencyKey": "audit-1",
    }


@case("deleteWithdrawal")
async def _delete_withdrawal(session, client):
    finance, rejected = await _withdrawal(session, rejected=True)
    return finance, {"withdrawalId": gid("Withdrawal", rejected)}


# --- customer withdrawals (frozen own cash) -------------------------------------------------


async def _customer_withdrawal(session, *, approved=False):
    partner = await make_partner(session)
    customer = await frozen_customer(session, partner, "100.00")
    requested = await customer_withdrawals.request_customer_withdrawal(
        await as_customer(session, customer), customer.id, Decimal("40.00"),
        BankCard(customer.name, "ICBC", "6222021234567890"),
    )  # fmt: skip
    if approved:
        await customer_withdrawal_reviews.approve_customer_withdrawal(
            platform(session), requested.id
        )
    return requested


@case("requestCustomerWithdrawal")
async def _request_customer_withdrawal(session, client):
    partner = await make_partner(session)
    customer = await frozen_customer(session, partner, "100.00")
    return await customer_token(session, customer), {
        "customerId": gid("Customer", customer),
        "amount": "40.00",
        "bankCard": {"holder": customer.name, "bankName": "ICBC", "cardNumber": "6222021234567890"},
        "idempotencyKey": "audit-1",
    }


@case("approveCustomerWithdrawal")
async def _approve_customer_withdrawal(session, client):
    requested = await _customer_withdrawal(session)
    return await platform_token(session), {
        "customerWithdrawalId": gid("CustomerWithdrawal", requested)
    }


@case("rejectCustomerWithdrawal")
async def _reject_customer_withdrawal(session, client):
    requested = await _customer_withdrawal(session)
    return await platform_token(session), {
        "customerWithdrawalId": gid("CustomerWithdrawal", requested),
        "reason": "payee unverified",
        "idempotencyKey": "audit-1",
    }


@case("markCustomerWithdrawalPaid")
async def _mark_customer_withdrawal_paid(session, client):
    approved = await _customer_withdrawal(session, approved=True)
    return await platform_token(session), {
        "customerWithdrawalId": gid("CustomerWithdrawal", approved),
        "idempotencyKey": "audit-1",
    }
