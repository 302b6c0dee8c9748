"""Reading coupons, quotas and their history -- all through `visible()`.

Who reads what (docs/coupons.md > States): coupons are read by every partner role (a
restricted SALES user: its managed customers' only), by a customer principal (its own) and
by the platform; quotas and quota records are the partner's money, for ADMIN, FINANCE and
VIEWER (`can_read_funds`) and the platform -- SALES and customers get FORBIDDEN on the
lists, and a null `quota` on a coupon.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, not_, select

from app import clock
from app.models import Coupon, CouponQuota, CouponQuotaRecord, CouponUsage
from app.models.coupons.enums import CouponKind, CouponQuotaStatus, CouponStatus
from app.services.core.context import ServiceContext
from app.services.core.errors import PermissionDenied
from app.services.core.pagination import (
    Direction,
    Ordering,
    Page,
    PageRequest,
    count_by_parent,
    fetch_page,
    fetch_pages_by_parent,
)
from app.services.core.principal import can_read_funds
from app.services.core.scoping import visible
from app.services.coupons.states import coupon_status_in, quota_active

COUPON_COLUMNS = tuple(Coupon.__table__.columns)
QUOTA_COLUMNS = tuple(CouponQuota.__table__.columns)
RECORD_COLUMNS = tuple(CouponQuotaRecord.__table__.columns)
USAGE_COLUMNS = tuple(CouponUsage.__table__.columns)


def require_quota_reader(ctx: ServiceContext) -> None:
    """Quotas are the partner's money: ADMIN, FINANCE, VIEWER and the platform."""
    if not can_read_funds(ctx.principal):
        raise PermissionDenied("Coupon quotas are for ADMIN, FINANCE and VIEWER users.")


# --- quotas -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuotaFilter:
    statuses: tuple[CouponQuotaStatus, ...] | None = None
    # The platform's: one partner's quotas (a partner user sees its own anyway).
    partner_id: int | None = None


def _quotas(ctx: ServiceContext, f: QuotaFilter) -> Select[Any]:
    stmt = select(*QUOTA_COLUMNS).where(visible(ctx.principal, CouponQuota))
    if f.partner_id is not None:
        stmt = stmt.where(CouponQuota.partner_id == f.partner_id)
    if f.statuses:
        statuses = set(f.statuses)
        if statuses == {CouponQuotaStatus.ACTIVE}:
            stmt = stmt.where(quota_active(clock.now()))
        elif statuses == {CouponQuotaStatus.EXPIRED}:
            stmt = stmt.where(not_(quota_active(clock.now())))
    return stmt


async def list_quotas(ctx: ServiceContext, f: QuotaFilter, page: PageRequest) -> Page:
    """The caller's coupon quotas (the platform: every partner's), newest first."""
    require_quota_reader(ctx)
    ordering = Ordering("CREATED_AT", CouponQuota.created_at, CouponQuota.id, Direction.DESC)
    return await fetch_page(ctx.session, _quotas(ctx, f), ordering, page, lambda r: r.created_at)


async def get_quotas(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Quotas by id; none for a caller who may not read quotas (SALES, customers)."""
    if not can_read_funds(ctx.principal):
        return {}
    rows = await ctx.session.execute(
        select(*QUOTA_COLUMNS).where(visible(ctx.principal, CouponQuota), CouponQuota.id.in_(ids))
    )
    return {row.id: row for row in rows}


RECORD_ORDERING = Ordering("ID", CouponQuotaRecord.id, CouponQuotaRecord.id, Direction.DESC)


def _records(ctx: ServiceContext) -> Select[Any]:
    return select(*RECORD_COLUMNS).where(visible(ctx.principal, CouponQuotaRecord))


async def list_quota_records(ctx: ServiceContext, quota_id: int | None, page: PageRequest) -> Page:
    """One quota's history, newest first, each line with the remainder after it (an unknown
    or foreign quota has none)."""
    require_quota_reader(ctx)
    stmt = _records(ctx).where(CouponQuotaRecord.quota_id == (quota_id or 0))
    return await fetch_page(ctx.session, stmt, RECORD_ORDERING, page, lambda r: r.id)


async def record_counts_by_quota(ctx: ServiceContext, quota_ids: Sequence[int]) -> dict[int, int]:
    return await count_by_parent(ctx.session, _records(ctx), CouponQuotaRecord.quota_id, quota_ids)


async def record_pages_by_quota(
    ctx: ServiceContext, quota_ids: Sequence[int], page: PageRequest, counts: Any
) -> dict[int, Page]:
    """`CouponQuota.records`: one page of history per quota, in one statement (the quotas
    were read through `get_quotas`/`list_quotas`, so the caller may read quotas)."""
    return await fetch_pages_by_parent(
        ctx.session,
        _records(ctx),
        CouponQuotaRecord.quota_id,
        quota_ids,
        RECORD_ORDERING,
        page,
        lambda r: r.id,
        counts,
    )


# --- coupons ------------------------------------------------------------------------------


class CouponOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    VALID_TO = "VALID_TO"


@dataclass(frozen=True, slots=True)
class CouponFilter:
    customer_ids: tuple[int, ...] | None = None
    kinds: tuple[CouponKind, ...] | None = None
    statuses: tuple[CouponStatus, ...] | None = None
    expiring_before: datetime | None = None
    quota_id: int | None = None


def _coupons(ctx: ServiceContext, f: CouponFilter) -> Select[Any]:
    stmt = select(*COUPON_COLUMNS).where(visible(ctx.principal, Coupon))
    if f.customer_ids is not None:
        stmt = stmt.where(Coupon.customer_id.in_(f.customer_ids))
    if f.kinds:
        stmt = stmt.where(Coupon.kind.in_(f.kinds))
    if f.statuses:
        stmt = stmt.where(coupon_status_in(f.statuses, clock.now()))
    if f.expiring_before is not None:
        stmt = stmt.where(Coupon.valid_to < f.expiring_before)
    if f.quota_id is not None:
        stmt = stmt.where(Coupon.quota_id == f.quota_id)
    return stmt


def _ordering(
    field: CouponOrderField, direction: Direction
) -> tuple[Ordering, Callable[[Any], Any]]:
    if field is CouponOrderField.VALID_TO:
        return Ordering("VALID_TO", Coupon.valid_to, Coupon.id, direction), lambda r: r.valid_to
    return (
        Ordering("CREATED_AT", Coupon.created_at, Coupon.id, direction),
        lambda r: r.created_at,
    )


async def list_coupons(
    ctx: ServiceContext,
    f: CouponFilter,
    field: CouponOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """Coupons the caller may see (a customer: its own)."""
    ordering, sort_key = _ordering(field, direction)
    return await fetch_page(ctx.session, _coupons(ctx, f), ordering, page, sort_key)


async def count_by_customer(
    ctx: ServiceContext, f: CouponFilter, customer_ids: Sequence[int]
) -> dict[int, int]:
    return await count_by_parent(ctx.session, _coupons(ctx, f), Coupon.customer_id, customer_ids)


async def pages_by_customer(
    ctx: ServiceContext,
    customer_ids: Sequence[int],
    f: CouponFilter,
    field: CouponOrderField,
    direction: Direction,
    page: PageRequest,
    counts: Any,
) -> dict[int, Page]:
    """One page of coupons for each customer, in one statement."""
    ordering, sort_key = _ordering(field, direction)
    return await fetch_pages_by_parent(
        ctx.session,
        _coupons(ctx, f),
        Coupon.customer_id,
        customer_ids,
        ordering,
        page,
        sort_key,
        counts,
    )


async def get_coupons(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COUPON_COLUMNS).where(visible(ctx.principal, Coupon), Coupon.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def usages_by_coupon(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Each coupon's usages, oldest first."""
    rows = await ctx.session.execute(
        select(*USAGE_COLUMNS)
        .where(visible(ctx.principal, CouponUsage), CouponUsage.coupon_id.in_(ids))
        .order_by(CouponUsage.coupon_id, CouponUsage.id)
    )
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.coupon_id, []).append(row)
    return {k: tuple(v) for k, v in grouped.items()}
