"""Coupon mutations: `issueCoupons` and `reclaimCoupons` (bulk: one result per item)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from app.resolvers.core.mutations import LoadedBulk
from app.resolvers.coupons import coupons as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.scalars import Amount
from app.schema.coupons.coupons import Coupon
from app.schema.coupons.enums import CouponKind
from app.schema.customers.enums import ServiceType

KEY_DESCRIPTION = "Your unique key for this call; a retry with it returns the first result."


@strawberry.input(description="Coupons to issue from a quota, one per customer (发券).")
class IssueCouponsInput:
    quota_id: strawberry.ID = strawberry.field(description="The quota to draw from (ACTIVE).")
    customer_ids: list[strawberry.ID] = strawberry.field(
        description="1 to 100 of the partner's current RESELLER customers, none twice."
    )
    kind: CouponKind = strawberry.field(description="CASH (faceValue) or DISCOUNT (rate, cap).")
    face_value: Amount | None = strawberry.field(
        default=None, description="CASH: its face value (> 0), drawn from the quota."
    )
    rate: Decimal | None = strawberry.field(
        default=None,
        description="DISCOUNT: the share the customer pays, 0 < rate < 1, at most 4 decimals "
        "(0.85 = 15 % off).",
    )
    cap: Amount | None = strawberry.field(
        default=None,
        description="DISCOUNT: the most it deducts over all its uses (> 0), drawn from the quota.",
    )
    valid_from: datetime | None = strawberry.field(
        default=None,
        description="Start of validity (inclusive), within the quota's; now by default.",
    )
    valid_to: datetime = strawberry.field(
        description="End of validity (exclusive): in the future, at most the quota's validTo."
    )
    service_types: list[ServiceType] | None = strawberry.field(
        default=None, description="At most 10, none twice; empty or omitted = every service."
    )
    minimum_order_amount: Amount = strawberry.field(
        default=Decimal("0"),
        description="The least an order must cost for the coupon to apply (0 = no minimum).",
    )
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.input(description="Coupons whose remaining balance goes back into their quota.")
class ReclaimCouponsInput:
    coupon_ids: list[strawberry.ID] = strawberry.field(
        description="1 to 100 coupons (AVAILABLE or PARTIALLY_USED, not held), none twice."
    )
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)


@strawberry.type(description="The outcome for one item of a bulk coupon call, at its position.")
class CouponItemResult:
    index: int = strawberry.field(description="Position of the item in the input list, from 0.")
    coupon: Coupon | None = strawberry.field(
        description="The coupon issued or changed (null when this item was refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Why this item was refused (nothing of it changed); `field` is ["input", '
        '"customerIds" or "couponIds", index]. Empty when it went through.'
    )


@strawberry.type(description="Result of a change to many coupons, each item on its own.")
class CouponsPayload:
    items: list[CouponItemResult] = strawberry.field(
        description="One entry per input item, in input order (empty when the whole call was "
        "refused)."
    )
    coupons: list[Coupon] = strawberry.field(description="The coupons issued or changed.")
    user_errors: list[UserError] = strawberry.field(
        description="Every refusal: of the whole call (then nothing changed) or of an item "
        "(also in that item's `userErrors`)."
    )


def _payload(result: LoadedBulk) -> CouponsPayload:
    return CouponsPayload(
        items=[
            CouponItemResult(
                index=item.index,
                coupon=Coupon.from_row(item.row) if item.row is not None else None,
                user_errors=user_errors(item.errors),
            )
            for item in result.items
        ],
        coupons=[Coupon.from_row(row) for row in result.rows],
        user_errors=user_errors(result.errors),
    )


async def issue_coupons(
    info: strawberry.Info,
    input: Annotated[IssueCouponsInput, strawberry.argument(description="What to issue.")],
) -> CouponsPayload:
    return _payload(await resolvers.issue_coupons(info.context, input))


async def reclaim_coupons(
    info: strawberry.Info,
    input: Annotated[ReclaimCouponsInput, strawberry.argument(description="What to reclaim.")],
) -> CouponsPayload:
    return _payload(await resolvers.reclaim_coupons(info.context, input))
