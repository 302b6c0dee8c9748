"""A coupon's and a voucher's status as of now, and whether it can pay.

The stored status changes when something happens to the coupon (a use, a reclaim, the
expiry job); EXPIRED is also effective on read as soon as `valid_to` has passed, whether or
not the `coupons.expire` job has run, so every reader agrees with the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_

from app.models import Coupon, CouponQuota
from app.models.coupons.enums import CouponQuotaStatus, CouponStatus, PickupVoucherStatus

ZERO = Decimal("0.00")
# The states in which a coupon still has value to deduct.
USABLE = (CouponStatus.AVAILABLE, CouponStatus.PARTIALLY_USED)


def coupon_status(coupon: Any, now: datetime) -> CouponStatus:
    """The status of a coupon (a row or an ORM object) at `now`."""
    if coupon.status in USABLE and coupon.valid_to <= now and not is_held(coupon, now):
        return CouponStatus.EXPIRED
    return coupon.status


def coupon_status_in(statuses: Sequence[CouponStatus], now: datetime) -> ColumnElement[bool]:
    """`coupon_status(...) in statuses` as a WHERE condition on `Coupon`."""
    usable = Coupon.status.in_(USABLE)
    lapsed = and_(usable, Coupon.valid_to <= now, not_(held_condition(now)))
    parts: list[ColumnElement[bool]] = []
    stored = [s for s in statuses if s is not CouponStatus.EXPIRED]
    if stored:
        parts.append(and_(Coupon.status.in_(stored), not_(lapsed)))
    if CouponStatus.EXPIRED in statuses:
        parts.append(or_(Coupon.status == CouponStatus.EXPIRED, lapsed))
    return or_(*parts) if parts else Coupon.id.is_(None)


def status_after_use(coupon: Any) -> CouponStatus:
    """AVAILABLE while untouched, PARTIALLY_USED with value left, USED at zero."""
    if coupon.balance <= ZERO:
        return CouponStatus.USED
    if coupon.balance < coupon.value:
        return CouponStatus.PARTIALLY_USED
    return CouponStatus.AVAILABLE


def is_held(coupon: Any, now: datetime) -> bool:
    """Held by an unpaid order: until the order is paid, cancelled or closes (`held_until`
    is the order's close time, so a hold lapses with the order even before the job runs)."""
    return (
        coupon.held_by_order_id is not None
        and coupon.held_until is not None
        and coupon.held_until > now
    )


def held_condition(now: datetime, model: Any = Coupon) -> ColumnElement[bool]:
    return and_(model.held_by_order_id.is_not(None), model.held_until > now)


def is_usable(coupon: Any, now: datetime) -> bool:
    """Can pay now: a usable state, inside its validity, with a balance."""
    return (
        coupon.status in USABLE
        and coupon.valid_from <= now < coupon.valid_to
        and coupon.balance > ZERO
    )


def quota_status(quota: Any, now: datetime) -> CouponQuotaStatus:
    """ACTIVE until `valid_to`, then EXPIRED (stored by the job as `expired_at`)."""
    if quota.expired_at is not None or quota.valid_to <= now:
        return CouponQuotaStatus.EXPIRED
    return CouponQuotaStatus.ACTIVE


def quota_active(now: datetime) -> ColumnElement[bool]:
    return and_(CouponQuota.expired_at.is_(None), CouponQuota.valid_to > now)


def voucher_status(voucher: Any, now: datetime) -> PickupVoucherStatus:
    """REDEEMED once paid for; EXPIRED after `valid_to` unless an unpaid order holds it."""
    if (
        voucher.status is PickupVoucherStatus.AVAILABLE
        and voucher.valid_to <= now
        and not is_held(voucher, now)
    ):
        return PickupVoucherStatus.EXPIRED
    return voucher.status
