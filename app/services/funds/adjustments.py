"""Adjustments (为客户调账): allocate to and retrieve from RESELLER customer accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select

from app.models import Adjustment, Customer, Partner
from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind, LedgerAccount, LedgerKind
from app.models.partners.enums import PrincipalKind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents, check_amount, check_currency
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.reasons import remark_errors
from app.services.core.scoping import find_visible, visible
from app.services.funds import ledger, recharge_pool
from app.services.funds.accounts import lock_customer_accounts, lock_partner_account
from app.services.funds.credit import track_arrears
from app.services.funds.ledger import Leg
from app.services.partners.partners import require_certified

MAX_REMARK_LENGTH = 200

ADJUSTMENT_COLUMNS = (
    Adjustment.id,
    Adjustment.partner_id,
    Adjustment.customer_id,
    Adjustment.kind,
    Adjustment.amount,
    Adjustment.currency,
    Adjustment.remark,
    Adjustment.transaction_no,
    Adjustment.created_by_user_id,
    Adjustment.created_at,
)


def validate(amount: Decimal, currency: str, remark: str) -> Decimal:
    """Input rules of an adjustment; the amount at scale 2."""
    errors = check_amount(amount) + check_currency(currency)
    errors += remark_errors(remark, MAX_REMARK_LENGTH)
    if errors:
        raise DomainErrors(errors)
    return cents(amount)


async def _customer_for_adjustment(ctx: ServiceContext, customer_id: int | None) -> Customer:
    customer = await find_visible(ctx, Customer, customer_id, "No such customer.", ["customerId"])
    if customer.ended_at is not None:
        raise DomainError(
            ErrorCode.ASSOCIATION_ENDED,
            "The association with this customer has ended.",
            ["customerId"],
        )
    if customer.association_type is AssociationType.REFERRAL:
        raise DomainError(
            ErrorCode.REFERRAL_MODE,
            "A REFERRAL customer pays for itself; its partner cannot allocate or retrieve.",
            ["customerId"],
        )
    return customer


def _adjust_key(
    customer_id: int | None,
    kind: AdjustmentKind,
    amount: Decimal,
    remark: str = "",
    currency: str = "CNY",
) -> dict[str, Any]:
    return {
        "customer": customer_id,
        "kind": kind.value,
        "amount": str(validate(amount, currency, remark)),
        "remark": remark,
    }


async def _authorize_adjust(
    ctx: ServiceContext,
    customer_id: int | None,
    kind: AdjustmentKind,
    amount: Decimal,
    remark: str = "",
    currency: str = "CNY",
) -> None:
    _require_adjustable(ctx, kind)
    await resolve(ctx, Customer, customer_id, ["customerId"], "No such customer.")


def _require_adjustable(ctx: ServiceContext, kind: AdjustmentKind) -> None:
    ctx.principal.require(Permission.FUNDS)
    if kind is AdjustmentKind.UNBIND_RETRIEVE:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "UNBIND_RETRIEVE happens only on disassociation.", ["kind"]
        )


def _adjust_ids(adjustment: Adjustment) -> dict[str, int | None]:
    return {"adjustment": adjustment.id, "customer": adjustment.customer_id}


@idempotent("adjustCustomerFunds", bind=_adjust_key, authorize=_authorize_adjust, ids=_adjust_ids)
async def adjust_customer_funds(
    ctx: ServiceContext,
    customer_id: int | None,
    kind: AdjustmentKind,
    amount: Decimal,
    remark: str = "",
    currency: str = "CNY",
) -> Adjustment:
    """Allocate partner money to a RESELLER customer, or retrieve it (FINANCE, ADMIN).

    ALLOCATE needs the amount in the partner's allocatable balance and a certified partner.
    RETRIEVE takes at most the customer's positive balance; it stays allowed for a partner
    whose certification lapsed (only registering, ordering and allocating are barred), so it
    can gather its money to withdraw it.
    """
    _require_adjustable(ctx, kind)
    amount = cents(amount)
    partner_id = ctx.principal.partner_id
    assert partner_id is not None
    customer = await _customer_for_adjustment(ctx, customer_id)
    if kind is AdjustmentKind.ALLOCATE:
        partner = await ctx.session.get(Partner, partner_id)
        require_certified(partner, "it cannot allocate funds")
    return await _move(ctx, customer, kind, amount, remark)


async def _move(
    ctx: ServiceContext, customer: Customer, kind: AdjustmentKind, amount: Decimal, remark: str
) -> Adjustment:
    session = ctx.session
    partner_account = await lock_partner_account(session, customer.partner_id)
    account = (await lock_customer_accounts(session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    if kind is AdjustmentKind.ALLOCATE:
        if amount > partner_account.allocatable:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"The allocatable balance is {partner_account.allocatable}; "
                f"cannot allocate {amount}.",
                ["amount"],
            )
        await recharge_pool.draw(session, customer.partner_id, amount)
        legs = [
            Leg(LedgerAccount.PARTNER_ALLOCATABLE, -amount),
            Leg(LedgerAccount.CUSTOMER_BALANCE, amount, account),
        ]
        ledger_kind = LedgerKind.ALLOCATE
    else:
        retrievable = max(account.balance, Decimal("0.00"))
        if amount > retrievable:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"The customer's retrievable balance is {retrievable}; cannot retrieve {amount}.",
                ["amount"],
            )
        legs = [
            Leg(LedgerAccount.CUSTOMER_BALANCE, -amount, account),
            Leg(LedgerAccount.PARTNER_ALLOCATABLE, amount),
        ]
        ledger_kind = LedgerKind(kind.value)
        await recharge_pool.refill(session, customer.partner_id, amount)
    adjustment = Adjustment(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        kind=kind,
        amount=amount,
        remark=remark,
        transaction_id=0,
        transaction_no="",
        created_by_user_id=ctx.principal.user_id,
    )
    transaction = await ledger.post(
        session,
        partner_id=customer.partner_id,
        kind=ledger_kind,
        reference=f"Customer:{customer.id}",
        legs=legs,
        partner=partner_account,
    )
    track_arrears(account)
    adjustment.transaction_id = transaction.id
    adjustment.transaction_no = ledger.transaction_number(transaction)
    session.add(adjustment)
    await session.flush()
    await audit.record(
        ctx,
        f"funds.{kind.value.lower()}",
        "Adjustment",
        adjustment.id,
        partner_id=customer.partner_id,
        after={
            "customerId": customer.id,
            "amount": amount,
            "transactionNo": adjustment.transaction_no,
            "customerBalance": account.balance,
            "allocatable": partner_account.allocatable,
        },
    )
    return adjustment


async def unbind_retrieve(ctx: ServiceContext, customer: Customer) -> Adjustment | None:
    """Retrieve all of a leaving RESELLER customer's positive balance (on disassociation)."""
    if customer.association_type is not AssociationType.RESELLER:
        return None
    await lock_partner_account(ctx.session, customer.partner_id)
    account = (await lock_customer_accounts(ctx.session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    if account.balance <= 0:
        return None
    return await _move(
        ctx, customer, AdjustmentKind.UNBIND_RETRIEVE, account.balance, "disassociation"
    )


@dataclass(frozen=True, slots=True)
class AdjustmentFilter:
    customer_id: int | None = None
    kinds: tuple[AdjustmentKind, ...] | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    transaction_no: str | None = None


def _filtered(ctx: ServiceContext, f: AdjustmentFilter) -> Select[Any]:
    stmt = select(*ADJUSTMENT_COLUMNS).where(visible(ctx.principal, Adjustment))
    if f.customer_id is not None:
        stmt = stmt.where(Adjustment.customer_id == f.customer_id)
    if f.kinds:
        stmt = stmt.where(Adjustment.kind.in_(f.kinds))
    if f.created_from is not None:
        stmt = stmt.where(Adjustment.created_at >= f.created_from)
    if f.created_to is not None:
        stmt = stmt.where(Adjustment.created_at < f.created_to)
    if f.transaction_no is not None:
        stmt = stmt.where(Adjustment.transaction_no == f.transaction_no)
    return stmt


async def list_adjustments(
    ctx: ServiceContext, adjustment_filter: AdjustmentFilter, page: PageRequest
) -> Page:
    """Adjustment records (查询调账记录), newest first."""
    ctx.principal.require_partner_read()
    ordering = Ordering("CREATED_AT", Adjustment.created_at, Adjustment.id, Direction.DESC)
    return await fetch_page(
        ctx.session, _filtered(ctx, adjustment_filter), ordering, page, lambda r: r.created_at
    )


async def get_adjustments(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Adjustments by id; none for a customer (partner records, as `list_adjustments`)."""
    if ctx.principal.kind is PrincipalKind.CUSTOMER:
        return {}
    rows = await ctx.session.execute(
        select(*ADJUSTMENT_COLUMNS).where(
            visible(ctx.principal, Adjustment), Adjustment.id.in_(ids)
        )
    )
    return {row.id: row for row in rows}
