"""Coupon quotas (券额度): the platform grants a partner a quota and takes its unused part
back (`grantCouponQuota`, `reclaimCouponQuota`, PLATFORM only).

Readings where the issue is silent (docs/coupons.md > Quotas):

- a grant names a partner that exists (NOT_FOUND otherwise), an amount > 0 (2 decimals,
  at most the money cap), a validity [validFrom, validTo) with validFrom defaulting to now
  and validTo after both validFrom and now, and a remark of at most 500 characters;
- a platform reclaim takes `amount` (default: the whole remainder) of an ACTIVE quota:
  `INVALID_INPUT` for amount <= 0, `QUOTA_EXCEEDED` above the remainder, `INVALID_STATE`
  for an EXPIRED quota (its remainder is lost at expiry, there is nothing to take) and for
  a default reclaim of an empty quota.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app import clock
from app.models import CouponQuota, Partner
from app.models.coupons.enums import CouponQuotaRecordKind as Kind
from app.models.coupons.enums import CouponQuotaStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents, check_amount
from app.services.core.reasons import remark_errors
from app.services.core.scoping import find_visible
from app.services.coupons import quota_records
from app.services.coupons.states import quota_status

MAX_REMARK_LENGTH = 500


def check_validity(valid_from: datetime, valid_to: datetime, now: datetime) -> list[DomainError]:
    """A validity window [from, to): it ends after it starts and after now."""
    if valid_to <= valid_from:
        return [
            DomainError(ErrorCode.INVALID_INPUT, "validTo must be after validFrom.", ["validTo"])
        ]
    if valid_to <= now:
        return [DomainError(ErrorCode.INVALID_INPUT, "validTo must be in the future.", ["validTo"])]
    return []


def _grant_key(
    partner_id: int | None,
    amount: Decimal,
    valid_from: datetime | None,
    valid_to: datetime,
    remark: str = "",
) -> dict[str, Any]:
    start = valid_from or clock.now()
    errors = check_amount(amount) + check_validity(start, valid_to, clock.now())
    errors += remark_errors(remark, MAX_REMARK_LENGTH)
    if errors:
        raise DomainErrors(errors)
    return {
        "partner": partner_id,
        "amount": str(cents(amount)),
        "validFrom": valid_from.isoformat() if valid_from else None,
        "validTo": valid_to.isoformat(),
        "remark": remark,
    }


async def _authorize_grant(ctx: ServiceContext, partner_id: int | None, *_: Any, **__: Any) -> None:
    ctx.principal.require_platform()
    await resolve(ctx, Partner, partner_id, ["partnerId"], "No such partner.")


def _quota_ids(quota: CouponQuota) -> dict[str, int | None]:
    return {"quota": quota.id}


@idempotent("grantCouponQuota", bind=_grant_key, authorize=_authorize_grant, ids=_quota_ids)
async def grant_coupon_quota(
    ctx: ServiceContext,
    partner_id: int | None,
    amount: Decimal,
    valid_from: datetime | None,
    valid_to: datetime,
    remark: str = "",
) -> CouponQuota:
    """The platform grants a partner a coupon quota: the quota and its GRANT record."""
    ctx.principal.require_platform()
    _grant_key(partner_id, amount, valid_from, valid_to, remark)
    partner = await find_visible(ctx, Partner, partner_id, "No such partner.", ["partnerId"])
    amount = cents(amount)
    quota = CouponQuota(
        partner_id=partner.id,
        amount=amount,
        remaining=Decimal("0.00"),
        valid_from=valid_from or clock.now(),
        valid_to=valid_to,
        remark=remark,
    )
    ctx.session.add(quota)
    await ctx.session.flush()
    quota_records.record(ctx, quota, Kind.GRANT, amount)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "coupons.quota_grant",
        "CouponQuota",
        quota.id,
        partner_id=quota.partner_id,
        after={
            "amount": amount,
            "validFrom": quota.valid_from,
            "validTo": quota.valid_to,
            "remark": remark,
        },
    )
    return quota


def _reclaim_key(quota_id: int | None, amount: Decimal | None = None) -> dict[str, Any]:
    if amount is not None:
        errors = check_amount(amount)
        if errors:
            raise DomainErrors(errors)
    return {"quota": quota_id, "amount": None if amount is None else str(cents(amount))}


async def _authorize_reclaim(ctx: ServiceContext, quota_id: int | None, *_: Any) -> None:
    ctx.principal.require_platform()
    await resolve(ctx, CouponQuota, quota_id, ["quotaId"], "No such coupon quota.")


@idempotent("reclaimCouponQuota", bind=_reclaim_key, authorize=_authorize_reclaim, ids=_quota_ids)
async def reclaim_coupon_quota(
    ctx: ServiceContext, quota_id: int | None, amount: Decimal | None = None
) -> CouponQuota:
    """The platform takes unused quota back (PLATFORM_RECLAIM): `amount`, or the whole
    remainder by default, of an ACTIVE quota."""
    ctx.principal.require_platform()
    _reclaim_key(quota_id, amount)
    found = await find_visible(ctx, CouponQuota, quota_id, "No such coupon quota.", ["quotaId"])
    quota = (await quota_records.lock_quotas(ctx.session, found.partner_id, [found.id]))[found.id]
    if quota_status(quota, clock.now()) is CouponQuotaStatus.EXPIRED:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "The quota has expired: its remainder is lost at expiry, nothing can be reclaimed.",
            ["quotaId"],
        )
    take = quota.remaining if amount is None else cents(amount)
    if amount is None and take <= 0:
        raise DomainError(
            ErrorCode.INVALID_STATE, "The quota has no remainder to reclaim.", ["quotaId"]
        )
    if take > quota.remaining:
        raise DomainError(
            ErrorCode.QUOTA_EXCEEDED,
            f"The quota's remainder is {quota.remaining}; cannot reclaim {take}.",
            ["amount"],
        )
    before = quota.remaining
    quota_records.record(ctx, quota, Kind.PLATFORM_RECLAIM, take)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "coupons.quota_reclaim",
        "CouponQuota",
        quota.id,
        partner_id=quota.partner_id,
        before={"remaining": before},
        after={"remaining": quota.remaining, "reclaimed": take},
    )
    return quota
