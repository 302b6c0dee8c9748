"""Budgets (credit limits), charges against customer accounts, and arrears.

A charge takes the customer's cash first, then its credit, and what is left is arrears; an
allocation repays arrears and credit before it shows as cash. Both follow from one signed
balance (DOMAIN.md > Funds): `available = balance + creditLimit`,
`creditUsed = min(-balance, creditLimit)` and `arrears = max(0, -balance - creditLimit)`.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update

from app import clock
from app.models import Customer, CustomerAccount, Resource
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.jobs import job
from app.services.core.money import cents, check_amount, check_currency
from app.services.core.principal import Permission
from app.services.core.scoping import find_visible
from app.services.funds import ledger
from app.services.funds.accounts import lock_customer_accounts
from app.services.funds.ledger import Leg
from app.settings import get_settings


def in_arrears() -> ColumnElement[bool]:
    """Condition on `customers`: the customer's balance is below minus its credit limit."""
    return exists().where(
        CustomerAccount.customer_id == Customer.id,
        CustomerAccount.balance + CustomerAccount.credit_limit < 0,
    )


def track_arrears(account: CustomerAccount) -> None:
    """Keep `arrears_since` in step with the balance (call after any balance change)."""
    owing = account.balance + account.credit_limit < 0
    if owing and account.arrears_since is None:
        account.arrears_since = clock.now()
    elif not owing:
        account.arrears_since = None


async def set_customer_credit_limit(
    ctx: ServiceContext, customer_id: int | None, credit_limit: Decimal, currency: str = "CNY"
) -> CustomerAccount:
    """Set (or clear, with 0) a RESELLER customer's credit limit (FINANCE, ADMIN)."""
    ctx.principal.require(Permission.FUNDS)
    currency_errors = check_currency(currency)
    if currency_errors:
        raise DomainErrors(currency_errors)
    errors = check_amount(credit_limit, ["creditLimit"], allow_zero=True)
    if errors:
        raise DomainErrors(errors)
    limit = cents(credit_limit)
    customer = await find_visible(ctx, Customer, customer_id, "No such customer.", ["customerId"])
    if customer.ended_at is not None:
        raise DomainError(ErrorCode.ASSOCIATION_ENDED, "The association has ended.", ["customerId"])
    if customer.association_type is AssociationType.REFERRAL:
        raise DomainError(
            ErrorCode.REFERRAL_MODE,
            "A REFERRAL customer's budget is its own business.",
            ["customerId"],
        )
    account = (await lock_customer_accounts(ctx.session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    before = account.credit_limit
    account.credit_limit = limit
    track_arrears(account)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "funds.set_credit_limit",
        "Customer",
        customer.id,
        partner_id=customer.partner_id,
        before={"creditLimit": before},
        after={"creditLimit": limit},
    )
    return account


async def charge(
    ctx: ServiceContext,
    customer: Customer,
    amount: Decimal,
    *,
    kind: LedgerKind = LedgerKind.CUSTOMER_CHARGE,
    reference: str,
) -> CustomerAccount:
    """Debit a customer account for what it consumed or paid (cash, then credit, then arrears).

    Platform-side: consumption rating and customer-paid orders call it inside their own
    transaction; nothing here checks roles.
    """
    if amount <= 0:
        raise ValueError("a charge is positive")
    account = (await lock_customer_accounts(ctx.session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    await ledger.post(
        ctx.session,
        partner_id=customer.partner_id,
        kind=kind,
        reference=reference,
        legs=[
            Leg(LedgerAccount.CUSTOMER_BALANCE, -amount, account),
            Leg(LedgerAccount.PLATFORM_REVENUE, amount),
        ],
    )
    track_arrears(account)
    await ctx.session.flush()
    return account


@job("funds.arrears-resources", every=timedelta(minutes=5))
async def apply_arrears_to_resources(ctx: ServiceContext) -> str:
    """On-demand resources of customers in arrears: GRACE_PERIOD, then FROZEN; ACTIVE once paid.

    Resources freeze `arrears_freeze_after_days` after the customer fell into arrears
    (`arrears_since`, set by the charge itself), so a job that runs late does not extend the
    grace. Only resources that arrears stopped (marked by `arrears_grace_started_at`) are
    reactivated when the arrears are repaid.
    """
    now = clock.now()
    owing = select(CustomerAccount.customer_id).where(
        CustomerAccount.balance + CustomerAccount.credit_limit < 0
    )
    on_demand = Resource.billing_mode == BillingMode.ON_DEMAND
    graced = await ctx.session.execute(
        update(Resource)
        .where(on_demand, Resource.status == ResourceStatus.ACTIVE, Resource.customer_id.in_(owing))
        .values(status=ResourceStatus.GRACE_PERIOD, arrears_grace_started_at=now)
        .returning(Resource.id, Resource.partner_id)
    )
    grace_count = await _audit_resources(
        ctx, "resource.arrears_grace", graced, ResourceStatus.ACTIVE, ResourceStatus.GRACE_PERIOD
    )
    freeze_before = now - timedelta(days=get_settings().arrears_freeze_after_days)
    long_owing = owing.where(CustomerAccount.arrears_since <= freeze_before)
    frozen = await ctx.session.execute(
        update(Resource)
        .where(
            on_demand,
            Resource.status == ResourceStatus.GRACE_PERIOD,
            Resource.arrears_grace_started_at.is_not(None),
            Resource.customer_id.in_(long_owing),
        )
        .values(status=ResourceStatus.FROZEN)
        .returning(Resource.id, Resource.partner_id)
    )
    frozen_count = await _audit_resources(
        ctx, "resource.arrears_freeze", frozen, ResourceStatus.GRACE_PERIOD, ResourceStatus.FROZEN
    )
    restored = await ctx.session.execute(
        update(Resource)
        .where(
            on_demand,
            Resource.status.in_([ResourceStatus.GRACE_PERIOD, ResourceStatus.FROZEN]),
            Resource.arrears_grace_started_at.is_not(None),
            Resource.customer_id.not_in(owing),
        )
        .values(status=ResourceStatus.ACTIVE, arrears_grace_started_at=None)
        .returning(Resource.id, Resource.partner_id)
    )
    restored_count = await _audit_resources(
        ctx, "resource.arrears_restore", restored, None, ResourceStatus.ACTIVE
    )
    return f"{grace_count} to grace period, {frozen_count} frozen, {restored_count} reactivated"


async def _audit_resources(
    ctx: ServiceContext,
    action: str,
    changed: Any,
    before: ResourceStatus | None,
    after: ResourceStatus,
) -> int:
    return await audit.record_each(
        ctx,
        action,
        "Resource",
        changed.all(),
        before={"status": before} if before is not None else None,
        after={"status": after},
    )
