"""Pickup vouchers (提货券): created by the platform, listed by the partner (DOMAIN.md > Coupons).

A voucher entitles one of the partner's RESELLER customers to one yearly/monthly product (a
service type, region and spec) for one period; an order line of that product redeems it
(the orders domain sets REDEEMED and the redeeming order). This module creates and reads
them; the readings where the issue is silent (docs/coupons.md > Pickup vouchers):

- `createPickupVouchers` is a bulk mutation: one voucher per customer of `customerIds`
  (1-100), each customer an item of its own (a savepoint each, `["customerIds", i]`); a
  customer repeated in one call is refused (two vouchers for one customer are two calls).
- Refusals of the whole call (stored nothing): not the platform (FORBIDDEN), a malformed
  input (`INVALID_INPUT`), a missing partner or product (`NOT_FOUND`, as for any id the
  caller cannot see). A product that is inactive or on-demand is `INVALID_INPUT` at
  `productId`.
- Per customer: NOT_FOUND (missing, or another partner's), `ASSOCIATION_ENDED` (a former
  customer), `REFERRAL_MODE` (a REFERRAL customer holds no vouchers: the vendor sells to it
  directly).
- The period follows the order rules (1-9 months or 1-3 years), since redeeming it is an
  order line of that period.
- Validity: `validFrom` defaults to now; `validTo` is after `validFrom` and in the future,
  and the window is at most `MAX_VALIDITY` (three years) long.
- Reading: every partner role (a SALES user limited to its managed customers sees only
  theirs), a customer principal its own vouchers, the platform every partner's (the
  vendor's console). Status is as of now (`states.voucher_status`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select

from app import clock
from app.models import Customer, Partner, PickupVoucher, Product
from app.models.coupons.enums import PickupVoucherStatus
from app.models.customers.enums import AssociationType, BillingMode
from app.models.orders.enums import PeriodUnit
from app.models.partners.enums import PrincipalKind
from app.services.core import audit
from app.services.core.bulk import BulkResult, each_item
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import idempotent
from app.services.core.pagination import (
    Direction,
    Ordering,
    Page,
    PageRequest,
    count_by_parent,
    fetch_page,
    fetch_pages_by_parent,
)
from app.services.core.principal import Permission
from app.services.core.scoping import visible
from app.services.core.text import text_problem
from app.services.coupons.states import held_condition

MAX_CUSTOMERS = 100
MAX_REMARK = 500
# The order rules (app/services/orders/lines.py): a voucher is redeemed by an order line of
# its period, so it can only name a period an order line can have.
MAX_MONTHS = 9
MAX_YEARS = 3
MAX_VALIDITY = timedelta(days=3 * 366)

VOUCHER_COLUMNS = tuple(PickupVoucher.__table__.columns)


@dataclass(frozen=True, slots=True)
class VoucherInput:
    """What `createPickupVouchers` asks for, validated (`validate`)."""

    partner_id: int | None
    customer_ids: tuple[int | None, ...]
    product_id: int | None
    period_unit: PeriodUnit
    period_count: int
    valid_to: datetime
    valid_from: datetime | None = None
    remark: str = ""


def validate(voucher: VoucherInput) -> list[DomainError]:
    """Every malformed field of the input at once (nothing looked up yet)."""
    errors: list[DomainError] = []
    if not 1 <= len(voucher.customer_ids) <= MAX_CUSTOMERS:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"Give 1 to {MAX_CUSTOMERS} customers; got {len(voucher.customer_ids)}.",
                ["customerIds"],
            )
        )
    limit = MAX_MONTHS if voucher.period_unit is PeriodUnit.MONTH else MAX_YEARS
    if not 1 <= voucher.period_count <= limit:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"A period is 1-{MAX_MONTHS} months or 1-{MAX_YEARS} years.",
                ["period", "count"],
            )
        )
    now = clock.now()
    start = voucher.valid_from or now
    if voucher.valid_to <= now:
        errors.append(
            DomainError(ErrorCode.INVALID_INPUT, "`validTo` must be in the future.", ["validTo"])
        )
    elif voucher.valid_to <= start:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT, "`validTo` must be after `validFrom`.", ["validTo"]
            )
        )
    elif voucher.valid_to - start > MAX_VALIDITY:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                "A voucher is valid for at most three years.",
                ["validTo"],
            )
        )
    problem = text_problem(voucher.remark)
    if problem is not None or len(voucher.remark) > MAX_REMARK:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"A remark has at most {MAX_REMARK} characters"
                + (f"; {problem}." if problem else "."),
                ["remark"],
            )
        )
    return errors


def _key(voucher: VoucherInput) -> dict[str, Any]:
    errors = validate(voucher)
    if errors:
        raise DomainErrors(errors)
    return {
        "partner": voucher.partner_id,
        "customers": list(voucher.customer_ids),
        "product": voucher.product_id,
        "period": [voucher.period_unit.value, voucher.period_count],
        "validFrom": voucher.valid_from.isoformat() if voucher.valid_from else None,
        "validTo": voucher.valid_to.isoformat(),
        "remark": voucher.remark,
    }


async def _partner(ctx: ServiceContext, partner_id: int | None) -> Partner:
    partner = await ctx.session.get(Partner, partner_id) if partner_id else None
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such partner.", ["partnerId"])
    return partner


async def _product(ctx: ServiceContext, product_id: int | None) -> Product:
    product = await ctx.session.get(Product, product_id) if product_id else None
    if product is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such product.", ["productId"])
    if not product.active:
        raise DomainError(ErrorCode.INVALID_INPUT, "The product is no longer sold.", ["productId"])
    if product.billing_mode is not BillingMode.YEARLY_MONTHLY:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "A pickup voucher is for a yearly/monthly product, not an on-demand one.",
            ["productId"],
        )
    return product


async def _authorize(ctx: ServiceContext, voucher: VoucherInput) -> None:
    ctx.principal.require_platform()
    await _partner(ctx, voucher.partner_id)
    await _product(ctx, voucher.product_id)


@idempotent("createPickupVouchers", bind=_key, authorize=_authorize, ids=BulkResult.stored)
async def create_pickup_vouchers(ctx: ServiceContext, voucher: VoucherInput) -> BulkResult:
    """One voucher for each of the partner's current RESELLER customers named (PLATFORM).

    NOT all-or-nothing: each customer is an item in its own savepoint, created or refused
    with its own error at `["customerIds", i]` (see the module's docstring for the rules).
    """
    ctx.principal.require_platform()
    errors = validate(voucher)
    if errors:
        raise DomainErrors(errors)
    partner = await _partner(ctx, voucher.partner_id)
    product = await _product(ctx, voucher.product_id)
    valid_from = voucher.valid_from or clock.now()
    wanted = sorted({i for i in voucher.customer_ids if i is not None})
    customers = {
        c.id: c
        for c in await ctx.session.scalars(
            select(Customer).where(Customer.partner_id == partner.id, Customer.id.in_(wanted))
        )
    }
    seen: set[int] = set()

    async def one(index: int, customer_id: int | None) -> int:
        field = ["customerIds", index]
        if customer_id is not None and customer_id in seen:
            raise DomainError(ErrorCode.INVALID_INPUT, "This customer is repeated.", field)
        customer = customers.get(customer_id) if customer_id is not None else None
        if customer is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", field)
        seen.add(customer.id)
        if customer.ended_at is not None:
            raise DomainError(
                ErrorCode.ASSOCIATION_ENDED, "The association with this customer has ended.", field
            )
        if customer.association_type is not AssociationType.RESELLER:
            raise DomainError(
                ErrorCode.REFERRAL_MODE,
                "Pickup vouchers are for RESELLER customers; a REFERRAL customer buys from "
                "the vendor directly.",
                field,
            )
        row = PickupVoucher(
            partner_id=partner.id,
            customer_id=customer.id,
            product_id=product.id,
            period_unit=voucher.period_unit,
            period_count=voucher.period_count,
            status=PickupVoucherStatus.AVAILABLE,
            valid_from=valid_from,
            valid_to=voucher.valid_to,
            remark=voucher.remark,
        )
        ctx.session.add(row)
        await ctx.session.flush()
        await audit.record(
            ctx,
            "pickup_voucher.create",
            "PickupVoucher",
            row.id,
            partner_id=partner.id,
            after={
                "customer_id": customer.id,
                "product_id": product.id,
                "period": f"{voucher.period_count} {voucher.period_unit.value}",
                "valid_from": valid_from,
                "valid_to": voucher.valid_to,
            },
        )
        return row.id

    return BulkResult(items=await each_item(ctx, voucher.customer_ids, one))


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoucherFilter:
    customer_ids: tuple[int, ...] | None = None
    statuses: tuple[PickupVoucherStatus, ...] | None = None
    product_ids: tuple[int, ...] | None = None


def status_in(statuses: Sequence[PickupVoucherStatus], now: datetime) -> Any:
    """`voucher_status(...) in statuses` as a WHERE condition (EXPIRED effective on read)."""
    available = PickupVoucher.status == PickupVoucherStatus.AVAILABLE
    lapsed = and_(available, PickupVoucher.valid_to <= now, ~held_condition(now, PickupVoucher))
    parts = []
    stored = [s for s in statuses if s is not PickupVoucherStatus.EXPIRED]
    if stored:
        parts.append(and_(PickupVoucher.status.in_(stored), ~lapsed))
    if PickupVoucherStatus.EXPIRED in statuses:
        parts.append(or_(PickupVoucher.status == PickupVoucherStatus.EXPIRED, lapsed))
    return or_(*parts)


def _require_read(ctx: ServiceContext) -> None:
    if ctx.principal.kind is PrincipalKind.PARTNER_USER:
        ctx.principal.require(Permission.READ)


def _filtered(ctx: ServiceContext, f: VoucherFilter) -> Select[Any]:
    stmt = select(*VOUCHER_COLUMNS).where(visible(ctx.principal, PickupVoucher))
    if f.customer_ids is not None:
        stmt = stmt.where(PickupVoucher.customer_id.in_(f.customer_ids))
    if f.product_ids is not None:
        stmt = stmt.where(PickupVoucher.product_id.in_(f.product_ids))
    if f.statuses:
        stmt = stmt.where(status_in(f.statuses, clock.now()))
    return stmt


# Newest first: what the console's 提货券管理 tab shows.
ORDERING = Ordering("CREATED_AT", PickupVoucher.created_at, PickupVoucher.id, Direction.DESC)


async def list_pickup_vouchers(ctx: ServiceContext, f: VoucherFilter, page: PageRequest) -> Page:
    """Vouchers the caller may see, newest first (any partner role; a customer its own)."""
    _require_read(ctx)
    return await fetch_page(ctx.session, _filtered(ctx, f), ORDERING, page, lambda r: r.created_at)


async def get_pickup_vouchers(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Vouchers by id among those the caller may see."""
    rows = await ctx.session.execute(
        select(*VOUCHER_COLUMNS).where(
            visible(ctx.principal, PickupVoucher), PickupVoucher.id.in_(ids)
        )
    )
    return {row.id: row for row in rows}


async def count_by_customer(
    ctx: ServiceContext, f: VoucherFilter, customer_ids: Sequence[int]
) -> dict[int, int]:
    """How many vouchers (matching the filter) each customer holds: one grouped query."""
    return await count_by_parent(
        ctx.session, _filtered(ctx, f), PickupVoucher.customer_id, customer_ids
    )


async def pages_by_customer(
    ctx: ServiceContext,
    customer_ids: Sequence[int],
    f: VoucherFilter,
    page: PageRequest,
    counts: Any,
) -> dict[int, Page]:
    """One page of vouchers for each customer, newest first, in one statement."""
    return await fetch_pages_by_parent(
        ctx.session,
        _filtered(ctx, f),
        PickupVoucher.customer_id,
        customer_ids,
        ORDERING,
        page,
        lambda r: r.created_at,
        counts,
    )
