"""The coupons domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.coupons.enums import (
    CouponKind,
    CouponQuotaRecordKind,
    CouponQuotaStatus,
    CouponStatus,
    CouponUsageSource,
)
from app.schema.core.enums import graphql_enum
from app.services.coupons.reads import CouponOrderField

graphql_enum(
    CouponKind,
    "Kind of coupon.",
    {
        "CASH": "代金券: a face value off the amount due, over one or more uses.",
        "DISCOUNT": (
            "折扣券: the customer pays `rate` of the amount (0.85 = 15 % off), the coupon "
            "deducts the rest, at most `cap` over all its uses."
        ),
    },
)

graphql_enum(
    CouponStatus,
    "Where a coupon is in its life, as of now.",
    {
        "AVAILABLE": "Issued and not used yet.",
        "PARTIALLY_USED": "Used, with value left.",
        "USED": "Its whole value is used.",
        "EXPIRED": (
            "Past its validTo (shown at once; stored by the expiry job, which returns its "
            "unused value to the quota while the quota is valid)."
        ),
        "RECLAIMED": "The partner took its remaining balance back into the quota.",
    },
)

graphql_enum(
    CouponQuotaStatus,
    "Whether a coupon quota still issues, as of now.",
    {
        "ACTIVE": "Within its validity: it issues coupons.",
        "EXPIRED": "Past its validTo: it issues nothing more and its remainder is lost.",
    },
)

graphql_enum(
    CouponQuotaRecordKind,
    "What a line of a quota's history records.",
    {
        "GRANT": "The platform granted the quota (+).",
        "ISSUE": "A coupon drew its value from it (-).",
        "RETURN": (
            "A coupon's unused value came back: the partner reclaimed it, or it expired "
            "while the quota was valid (+)."
        ),
        "PLATFORM_RECLAIM": "The platform took unused quota back (-).",
        "QUOTA_EXPIRY": "The remainder lost when the quota expired (-).",
        "COUPON_LOST": (
            "A coupon's unused value lost because its quota had expired (the remainder is "
            "unchanged)."
        ),
    },
)

graphql_enum(
    CouponUsageSource,
    "What a coupon paid.",
    {
        "ORDER": "An order, at its payment.",
        "CONSUMPTION": "A day's on-demand charge.",
    },
)

graphql_enum(
    CouponOrderField,
    "Fields coupons can be ordered by (ties broken by id).",
    {
        "CREATED_AT": "Issue time.",
        "VALID_TO": "End of validity.",
    },
)

__all__ = [
    "CouponKind",
    "CouponOrderField",
    "CouponQuotaRecordKind",
    "CouponQuotaStatus",
    "CouponStatus",
    "CouponUsageSource",
]
