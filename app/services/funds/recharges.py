"""Recharges: online payments (confirmed by the platform's callback); the booking every
confirmed recharge shares (bank transfers are in `bank_transfers`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.models import Customer, PaymentReference, Recharge
from app.models.customers.enums import AssociationType
from app.models.funds.enums import LedgerAccount, LedgerKind, RechargeChannel, RechargeStatus
from app.models.partners.enums import PrincipalKind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode, PermissionDenied
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission, can_read_funds
from app.services.core.scoping import visible
from app.services.funds import ledger
from app.services.funds.accounts import lock_customer_accounts, lock_partner_account
from app.services.funds.credit import track_arrears
from app.services.funds.ledger import Leg
from app.services.funds.recharge_input import confirm_key, create_key, validate_reference

RECHARGE_COLUMNS = (
    Recharge.id,
    Recharge.partner_id,
    Recharge.customer_id,
    Recharge.channel,
    Recharge.amount,
    Recharge.currency,
    Recharge.status,
    Recharge.payment_reference,
    Recharge.remittance_account,
    Recharge.paid_at,
    Recharge.remaining,
    Recharge.withdrawn,
    Recharge.created_at,
)


async def _own_referral_customer(ctx: ServiceContext, customer_id: int | None) -> Customer:
    customer = None
    if customer_id is not None:
        customer = await ctx.session.scalar(
            select(Customer).where(visible(ctx.principal, Customer), Customer.id == customer_id)
        )
    if customer is None or customer.ended_at is not None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such current association.", ["customerId"])
    if customer.association_type is AssociationType.RESELLER:
        raise DomainError(
            ErrorCode.RESELLER_MODE,
            "A RESELLER customer is funded by its partner and does not recharge itself.",
            ["customerId"],
        )
    return customer


async def _authorize_create(
    ctx: ServiceContext,
    channel: RechargeChannel,
    amount: Decimal,
    *,
    customer_id: int | None = None,
    currency: str = "CNY",
) -> None:
    if ctx.principal.kind is PrincipalKind.CUSTOMER:
        await resolve(ctx, Customer, customer_id, ["customerId"], "No such current association.")
    else:
        _require_partner_recharge(ctx, customer_id)


def _require_partner_recharge(ctx: ServiceContext, customer_id: int | None) -> None:
    ctx.principal.require(Permission.FUNDS)
    if customer_id is not None:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "A partner recharges its own account; `customerId` is for a REFERRAL "
            "customer recharging itself.",
            ["customerId"],
        )


async def _authorize_confirm(
    ctx: ServiceContext, recharge_id: int | None, *_: Any, **__: Any
) -> None:
    require_platform(ctx)
    await resolve(ctx, Recharge, recharge_id, ["rechargeId"], "No such recharge.")


def recharge_ids(recharge: Recharge) -> dict[str, int | None]:
    return {"recharge": recharge.id}


@idempotent("createRecharge", bind=create_key, authorize=_authorize_create, ids=recharge_ids)
async def create_recharge(
    ctx: ServiceContext,
    channel: RechargeChannel,
    amount: Decimal,
    *,
    customer_id: int | None = None,
    currency: str = "CNY",
) -> Recharge:
    """Open an online recharge order: the partner's (FINANCE, ADMIN) or a REFERRAL
    customer's own (CUSTOMER principal, naming its association). Money arrives when the
    platform confirms the payment."""
    amount = cents(amount)  # at scale 2, as the bound input
    principal = ctx.principal
    customer: Customer | None = None
    if principal.kind is PrincipalKind.CUSTOMER:
        customer = await _own_referral_customer(ctx, customer_id)
        partner_id = customer.partner_id
    else:
        _require_partner_recharge(ctx, customer_id)
        assert principal.partner_id is not None
        partner_id = principal.partner_id
    recharge = Recharge(
        partner_id=partner_id,
        customer_id=customer.id if customer else None,
        channel=channel,
        amount=amount,
        status=RechargeStatus.PENDING,
        created_by_user_id=principal.user_id,
    )
    ctx.session.add(recharge)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "funds.create_recharge",
        "Recharge",
        recharge.id,
        partner_id=partner_id,
        after={"channel": channel, "amount": amount, "customerId": recharge.customer_id},
    )
    return recharge


async def credit(ctx: ServiceContext, recharge: Recharge, action: str) -> None:
    """Book a confirmed recharge -- external money into the partner's or customer's
    account -- and audit it as `action`."""
    session = ctx.session
    reference = f"Recharge:{recharge.id}"
    if recharge.customer_id is None:
        partner_account = await lock_partner_account(session, recharge.partner_id)
        transaction = await ledger.post(
            session,
            partner_id=recharge.partner_id,
            kind=LedgerKind.RECHARGE,
            reference=reference,
            legs=[
                Leg(LedgerAccount.PLATFORM_EXTERNAL, -recharge.amount),
                Leg(LedgerAccount.PARTNER_ALLOCATABLE, recharge.amount),
            ],
            partner=partner_account,
        )
        recharge.remaining = recharge.amount
    else:
        account = (
            await lock_customer_accounts(session, recharge.partner_id, [recharge.customer_id])
        )[recharge.customer_id]
        transaction = await ledger.post(
            session,
            partner_id=recharge.partner_id,
            kind=LedgerKind.CUSTOMER_RECHARGE,
            reference=reference,
            legs=[
                Leg(LedgerAccount.PLATFORM_EXTERNAL, -recharge.amount),
                Leg(LedgerAccount.CUSTOMER_BALANCE, recharge.amount, account),
            ],
        )
        track_arrears(account)
    recharge.transaction_id = transaction.id
    await session.flush()
    await audit.record(
        ctx,
        action,
        "Recharge",
        recharge.id,
        partner_id=recharge.partner_id,
        after={
            "paymentReference": recharge.payment_reference,
            "amount": recharge.amount,
            "remittanceAccount": recharge.remittance_account,
        },
    )


def require_platform(ctx: ServiceContext) -> None:
    if ctx.principal.kind is not PrincipalKind.PLATFORM:
        raise PermissionDenied("Only the platform confirms payments.")


async def reference_taken(
    ctx: ServiceContext, channel: RechargeChannel, reference: str
) -> Recharge | None:
    """The recharge `reference` already confirmed on `channel`, whatever partner: found on
    the platform side (`PaymentReference`), then read by its partner and id."""
    owner = (
        await ctx.session.execute(
            select(PaymentReference.partner_id, PaymentReference.recharge_id).where(
                PaymentReference.channel == channel,
                PaymentReference.payment_reference == reference,
            )
        )
    ).one_or_none()
    if owner is None:
        return None
    return await ctx.session.scalar(
        select(Recharge).where(
            Recharge.partner_id == owner.partner_id, Recharge.id == owner.recharge_id
        )
    )


def reference_used() -> DomainError:
    return DomainError(
        ErrorCode.PAYMENT_REFERENCE_USED,
        "That payment reference already confirmed another recharge.",
        ["paymentReference"],
    )


@idempotent(
    "confirmRechargePayment", bind=confirm_key, authorize=_authorize_confirm, ids=recharge_ids
)
async def confirm_recharge_payment(
    ctx: ServiceContext,
    recharge_id: int | None,
    payment_reference: str,
    amount: Decimal,
    paid_at: datetime | None = None,
    currency: str = "CNY",
) -> Recharge:
    """The payment channel's callback (PLATFORM): credit the recharge once.

    Idempotent per payment reference: the same reference confirming the same recharge again
    changes nothing and returns it; a reference that already confirmed another recharge is
    `PAYMENT_REFERENCE_USED`.
    """
    amount = cents(amount)  # at scale 2, as the bound input
    require_platform(ctx)
    reference = validate_reference(payment_reference)
    recharge = None
    if recharge_id is not None:
        recharge = await ctx.session.scalar(
            select(Recharge).where(Recharge.id == recharge_id).with_for_update()
        )
    if recharge is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such recharge.", ["rechargeId"])
    if recharge.status is RechargeStatus.CONFIRMED:
        if recharge.payment_reference == reference:
            return recharge
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "This recharge was already confirmed with another payment reference.",
            ["rechargeId"],
        )
    other = await reference_taken(ctx, recharge.channel, reference)
    if other is not None:
        raise reference_used()
    if cents(amount) != recharge.amount or amount != cents(amount):
        raise DomainError(
            ErrorCode.AMOUNT_MISMATCH,
            f"The recharge order is for {recharge.amount}; the payment was {amount}.",
            ["amount"],
        )
    try:
        # A confirmation racing this one for the same reference (another recharge, maybe
        # another partner's) waits on the platform-side key and loses here: the same answer
        # it would have had a moment later.
        async with ctx.session.begin_nested():
            recharge.status = RechargeStatus.CONFIRMED
            recharge.payment_reference = reference
            recharge.paid_at = paid_at or clock.now()
            await ctx.session.flush()
    except IntegrityError:
        raise reference_used() from None
    await credit(ctx, recharge, "funds.confirm_recharge")
    return recharge


@dataclass(frozen=True, slots=True)
class RechargeFilter:
    statuses: tuple[RechargeStatus, ...] | None = None
    channels: tuple[RechargeChannel, ...] | None = None
    customer_id: int | None = None
    own_only: bool = False


def _readable(ctx: ServiceContext) -> Any:
    """A partner's own recharges are its money (ADMIN, FINANCE, VIEWER); customers' own
    recharges are visible to whoever sees the customer."""
    condition = visible(ctx.principal, Recharge)
    if ctx.principal.kind is PrincipalKind.PARTNER_USER and not can_read_funds(ctx.principal):
        condition = condition & Recharge.customer_id.is_not(None)
    return condition


def _filtered(ctx: ServiceContext, f: RechargeFilter) -> Select[Any]:
    stmt = select(*RECHARGE_COLUMNS).where(_readable(ctx))
    if ctx.principal.kind is PrincipalKind.PARTNER_USER and f.own_only:
        stmt = stmt.where(Recharge.customer_id.is_(None))
    if f.statuses:
        stmt = stmt.where(Recharge.status.in_(f.statuses))
    if f.channels:
        stmt = stmt.where(Recharge.channel.in_(f.channels))
    if f.customer_id is not None:
        stmt = stmt.where(Recharge.customer_id == f.customer_id)
    return stmt


async def list_recharges(ctx: ServiceContext, f: RechargeFilter, page: PageRequest) -> Page:
    """Recharges the caller may see, newest first."""
    ordering = Ordering("CREATED_AT", Recharge.created_at, Recharge.id, Direction.DESC)
    return await fetch_page(ctx.session, _filtered(ctx, f), ordering, page, lambda r: r.created_at)


async def get_recharges(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*RECHARGE_COLUMNS).where(_readable(ctx), Recharge.id.in_(ids))
    )
    return {row.id: row for row in rows}
