"""Budgets (credit limits), charges against customer accounts, and arrears.

A charge takes the customer's cash first, then its credit, and what is left is arrears; an
allocation repays arrears and credit before it shows as cash. Both follow from one signed
balance (DOMAIN.md > Funds): `available = balance + creditLimit`,
`creditUsed = min(-balance, creditLimit)` and `arrears = max(0, -balance - creditLimit)`.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, exists

from app import clock
from app.models import Customer, CustomerAccount
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.core import audit, resource_status
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.jobs import job
from app.services.core.money import cents, check_amount, check_currency
from app.services.core.principal import Permission
from app.services.core.scoping import find_visible
from app.services.funds import ledger
from app.services.funds.accounts import lock_customer_accounts
from app.services.funds.ledger import Leg


def in_arrears() -> ColumnElement[bool]:
    """Condition on `customers`: the customer's balance is below minus its credit limit."""
    return exists().where(
        CustomerAccount.partner_id == Customer.partner_id,
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
    """Store the status of on-demand resources: GRACE_PERIOD while the customer is in
    arrears, FROZEN `arrears_freeze_after_days` after it fell into them (`arrears_since`,
    set by the charge itself, so a job that runs late does not extend the grace), ACTIVE as
    soon as the arrears are repaid. Reads show all of it before this job runs
    (`app.services.core.resource_status`)."""
    counts = await resource_status.store_statuses(
        ctx,
        BillingMode.ON_DEMAND,
        {
            ResourceStatus.GRACE_PERIOD: "resource.arrears_grace",
            ResourceStatus.FROZEN: "resource.arrears_freeze",
            ResourceStatus.ACTIVE: "resource.arrears_restore",
        },
    )
    return (
        f"{counts[ResourceStatus.GRACE_PERIOD]} to grace period, "
        f"{counts[ResourceStatus.FROZEN]} frozen, "
        f"{counts[ResourceStatus.ACTIVE]} reactivated"
    )
