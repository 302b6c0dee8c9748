"""The coupons domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/coupons/enums.py` adds the
descriptions); there is no second copy.
"""

from enum import StrEnum


class CouponKind(StrEnum):
    """代金券 (a face value off the amount due) or 折扣券 (a rate, with a cap)."""

    CASH = "CASH"
    DISCOUNT = "DISCOUNT"


class CouponStatus(StrEnum):
    """A coupon's lifecycle (DOMAIN.md > Coupons). EXPIRED is effective on read once
    `valid_to` has passed and stored by the `coupons.expire` job."""

    AVAILABLE = "AVAILABLE"
    PARTIALLY_USED = "PARTIALLY_USED"
    USED = "USED"
    EXPIRED = "EXPIRED"
    RECLAIMED = "RECLAIMED"


class CouponQuotaStatus(StrEnum):
    """A quota issues coupons while ACTIVE; EXPIRED (after `valid_to`, effective on read)
    issues nothing more and its remainder is lost."""

    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"


class CouponQuotaRecordKind(StrEnum):
    """One line of a quota's history; `delta` is signed, `remaining_after` the running
    remainder.

    GRANT (+): the platform grants the quota. ISSUE (-): coupons drawn from it.
    RETURN (+): a coupon's unused value back (the partner reclaims it, or it expired while
    the quota is valid). PLATFORM_RECLAIM (-): the platform takes unused quota back.
    QUOTA_EXPIRY (-): the remainder lost when the quota expires. COUPON_LOST (0): an
    expired coupon's unused value, lost because its quota had already expired (recorded,
    the remainder is unchanged).
    """

    GRANT = "GRANT"
    ISSUE = "ISSUE"
    RETURN = "RETURN"
    PLATFORM_RECLAIM = "PLATFORM_RECLAIM"
    QUOTA_EXPIRY = "QUOTA_EXPIRY"
    COUPON_LOST = "COUPON_LOST"


class CouponUsageSource(StrEnum):
    """What a coupon paid: an order (at its payment) or a day's on-demand charge."""

    ORDER = "ORDER"
    CONSUMPTION = "CONSUMPTION"


class PickupVoucherStatus(StrEnum):
    """A pickup voucher is used once: AVAILABLE until an order line redeems it (REDEEMED at
    that order's payment); EXPIRED after `valid_to` (effective on read)."""

    AVAILABLE = "AVAILABLE"
    REDEEMED = "REDEEMED"
    EXPIRED = "EXPIRED"
