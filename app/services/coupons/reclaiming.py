"""Reclaiming coupons (回收): a usable coupon's whole remaining balance goes back into its
quota (`reclaimCoupons`, FINANCE and ADMIN), and automatically when a disassociation takes
effect.

Readings where the issue is silent (docs/coupons.md > Reclaiming and expiry):

- each coupon is an item of its own: NOT_FOUND (missing, another partner's),
  `COUPON_HELD` while an unpaid order holds it, `INVALID_STATE` unless it is AVAILABLE or
  PARTIALLY_USED as of now (USED, RECLAIMED, EXPIRED -- also one past its validTo that
  the expiry job has not stored yet: the job settles it);
- the balance goes back to the quota (RETURN) while the quota is ACTIVE; once the quota
  has expired it is lost (a COUPON_LOST record, the remainder unchanged) -- the coupon is
  RECLAIMED either way, with a zero balance;
- on disassociation every coupon of that customer that an unpaid order holds is released
  first (the association is over, its orders cannot be paid), then every coupon usable as
  of now is reclaimed, in the same transaction;
- a switch from RESELLER to REFERRAL does the same: coupons are issued to RESELLER customers
  only (a REFERRAL customer buys from the vendor, not through the partner), so what the
  partner gave goes back to its quota when the customer stops buying through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from app import clock
from app.models import Coupon, CouponQuota, Customer
from app.models.coupons.enums import CouponQuotaRecordKind as Kind
from app.models.coupons.enums import CouponQuotaStatus, CouponStatus
from app.models.customers.enums import AssociationType
from app.services.core import audit
from app.services.core.bulk import BulkResult, each_item
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.idempotency import idempotent
from app.services.core.principal import Permission
from app.services.core.scoping import visible
from app.services.coupons import quota_records
from app.services.coupons.states import USABLE, ZERO, coupon_status, is_held, quota_status
from app.services.coupons.usages import lock_coupons
from app.services.lifecycle.association_rules import (
    on_association_ended,
    on_association_type_switched,
)

MAX_COUPONS = 100


def check_batch(coupon_ids: Sequence[int | None]) -> None:
    """1 to 100 coupons, none twice (input validation: a refusal stores no key)."""
    if not 1 <= len(coupon_ids) <= MAX_COUPONS:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"Give 1 to {MAX_COUPONS} coupons at once.", ["couponIds"]
        )
    known = [i for i in coupon_ids if i is not None]
    if len(set(known)) != len(known):
        raise DomainError(ErrorCode.INVALID_INPUT, "A coupon appears twice.", ["couponIds"])


def settle(ctx: ServiceContext, coupon: Coupon, quota: CouponQuota, returnable: bool) -> Kind:
    """Take a locked coupon's whole balance off it: back into its locked quota (RETURN)
    when `returnable`, else lost (COUPON_LOST). The caller sets the coupon's new status."""
    amount = coupon.balance
    kind = Kind.RETURN if returnable else Kind.COUPON_LOST
    if amount > ZERO:
        quota_records.record(ctx, quota, kind, amount, coupon_id=coupon.id)
    coupon.balance = ZERO
    coupon.updated_at = clock.now()
    return kind


async def reclaim(ctx: ServiceContext, coupon: Coupon, quota: CouponQuota) -> None:
    """Reclaim one locked, usable coupon into its locked quota, and audit it."""
    now = clock.now()
    before = {"status": coupon.status, "balance": coupon.balance}
    kind = settle(ctx, coupon, quota, quota_status(quota, now) is CouponQuotaStatus.ACTIVE)
    coupon.status = CouponStatus.RECLAIMED
    coupon.reclaimed_at = now
    await ctx.session.flush()
    await audit.record(
        ctx,
        "coupons.reclaim",
        "Coupon",
        coupon.id,
        partner_id=coupon.partner_id,
        before=before,
        after={
            "status": coupon.status,
            "balance": coupon.balance,
            "record": kind,
            "quotaRemaining": quota.remaining,
        },
    )


def _batch_key(coupon_ids: Sequence[int | None]) -> dict[str, Any]:
    check_batch(coupon_ids)
    return {"coupons": list(coupon_ids)}


async def _authorize(ctx: ServiceContext, *_: Any) -> None:
    # A batch's items are its execution: an unknown coupon is that item's stored outcome.
    ctx.principal.require(Permission.COUPONS_INVOICES)


@idempotent("reclaimCoupons", bind=_batch_key, authorize=_authorize, ids=BulkResult.stored)
async def reclaim_coupons(ctx: ServiceContext, coupon_ids: Sequence[int | None]) -> BulkResult:
    """Reclaim each coupon on its own (see the module's docstring for every rule)."""
    ctx.principal.require(Permission.COUPONS_INVOICES)
    check_batch(coupon_ids)
    partner_id = ctx.principal.partner_id
    assert partner_id is not None
    ids = [i for i in coupon_ids if i is not None]
    quota_ids = await ctx.session.scalars(
        select(Coupon.quota_id).where(visible(ctx.principal, Coupon), Coupon.id.in_(ids))
    )
    # Lock order: quotas, then coupons.
    quotas = await quota_records.lock_quotas(ctx.session, partner_id, list(set(quota_ids)))
    coupons = await lock_coupons(ctx.session, partner_id, ids)

    async def reclaim_one(index: int, coupon_id: int | None) -> int:
        field: list[Any] = ["couponIds", index]
        coupon = coupons.get(coupon_id) if coupon_id is not None else None
        if coupon is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such coupon.", field)
        now = clock.now()
        if is_held(coupon, now):
            raise DomainError(
                ErrorCode.COUPON_HELD,
                "An unpaid order holds this coupon; cancel the order or let it close first.",
                field,
            )
        status = coupon_status(coupon, now)
        if status not in USABLE:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                f"Only an AVAILABLE or PARTIALLY_USED coupon can be reclaimed; this one is "
                f"{status.value}.",
                field,
            )
        await reclaim(ctx, coupon, quotas[coupon.quota_id])
        return coupon.id

    async def reread() -> None:
        for row in (*quotas.values(), *coupons.values()):
            await ctx.session.refresh(row)

    return BulkResult(items=await each_item(ctx, coupon_ids, reclaim_one, reread))


@on_association_type_switched
async def reclaim_on_switch_to_referral(
    ctx: ServiceContext, customer: Customer, previous: AssociationType
) -> None:
    """A RESELLER customer that becomes REFERRAL no longer buys through the partner: its
    coupons are reclaimed as on disassociation."""
    if customer.association_type is AssociationType.REFERRAL:
        await reclaim_on_disassociation(ctx, customer)


@on_association_ended
async def reclaim_on_disassociation(ctx: ServiceContext, customer: Customer) -> None:
    """Release the leaving customer's coupons from unpaid orders, then reclaim every one
    that is usable as of now."""
    partner_id = customer.partner_id
    await ctx.session.execute(
        update(Coupon)
        .where(
            Coupon.partner_id == partner_id,
            Coupon.customer_id == customer.id,
            Coupon.held_by_order_id.is_not(None),
        )
        .values(held_by_order_id=None, held_until=None)
        .execution_options(synchronize_session="fetch")
    )
    rows = (
        await ctx.session.execute(
            select(Coupon.id, Coupon.quota_id).where(
                Coupon.partner_id == partner_id,
                Coupon.customer_id == customer.id,
                Coupon.status.in_(USABLE),
            )
        )
    ).all()
    if not rows:
        return
    quotas = await quota_records.lock_quotas(ctx.session, partner_id, [r.quota_id for r in rows])
    coupons = await lock_coupons(ctx.session, partner_id, [r.id for r in rows])
    now = clock.now()
    for coupon in coupons.values():
        if coupon_status(coupon, now) in USABLE:
            await reclaim(ctx, coupon, quotas[coupon.quota_id])
