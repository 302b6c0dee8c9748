"""Root fields of coupons (the pickup vouchers' fields are mixed in from their module)."""

from __future__ import annotations

import strawberry

from app.schema.coupons.pickup_vouchers import PickupVoucherMutation, PickupVoucherQuery


@strawberry.type(description="Read entry points of coupons and pickup vouchers.")
class Query(PickupVoucherQuery):
    pass


@strawberry.type(description="Changes to coupons and pickup vouchers.")
class Mutation(PickupVoucherMutation):
    pass
