"""Root fields of coupons: quotas and their history, coupons, issuing and reclaiming (the
pickup vouchers' fields are mixed in from their module)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.coupons import coupons as coupon_resolvers
from app.resolvers.coupons import quotas as quota_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.coupons import mutations, quotas
from app.schema.coupons.coupons import Coupon, CouponFilter, CouponOrder
from app.schema.coupons.pickup_vouchers import PickupVoucherMutation, PickupVoucherQuery
from app.schema.coupons.quotas import CouponQuota, CouponQuotaFilter, CouponQuotaRecord


@strawberry.type(description="Read entry points: coupons, coupon quotas, pickup vouchers.")
class Query(PickupVoucherQuery):
    @strawberry.field(
        description="The partner's coupon quotas, newest first (ADMIN, FINANCE, VIEWER; the "
        "platform: every partner's, or one's with `partnerId`)."
    )
    async def coupon_quotas(
        self,
        info: strawberry.Info,
        filter: Annotated[
            CouponQuotaFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CouponQuota]:
        page = await quota_resolvers.list_quotas(info.context, filter, first, after, last, before)
        return connection(page, CouponQuota.from_row)

    @strawberry.field(
        description="A quota's history (grant, issue, return, reclaim, expiry lines), newest "
        "first, each with the remainder after it (ADMIN, FINANCE, VIEWER, the platform)."
    )
    async def coupon_quota_records(
        self,
        info: strawberry.Info,
        quota_id: Annotated[strawberry.ID, strawberry.argument(description="The quota.")],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CouponQuotaRecord]:
        page = await quota_resolvers.list_quota_records(
            info.context, quota_id, first, after, last, before
        )
        return connection(page, CouponQuotaRecord.from_row)

    @strawberry.field(
        description="Coupons the caller may see, newest first by default (a SALES user: its "
        "managed customers'; a customer: its own)."
    )
    async def coupons(
        self,
        info: strawberry.Info,
        filter: Annotated[
            CouponFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            CouponOrder | None, strawberry.argument(description="Ordering; newest first.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Coupon]:
        page = await coupon_resolvers.list_coupons(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Coupon.from_row)


@strawberry.type(description="Changes: coupon quotas, coupons, pickup vouchers.")
class Mutation(PickupVoucherMutation):
    grant_coupon_quota: quotas.CouponQuotaPayload = strawberry.mutation(
        resolver=quotas.grant_coupon_quota,
        description="Grant a partner a coupon quota (PLATFORM). Idempotent per idempotencyKey.",
    )
    reclaim_coupon_quota: quotas.CouponQuotaPayload = strawberry.mutation(
        resolver=quotas.reclaim_coupon_quota,
        description=(
            "Take unused quota back: an amount, or the whole remainder (PLATFORM). Idempotent "
            "per idempotencyKey."
        ),
    )
    issue_coupons: mutations.CouponsPayload = strawberry.mutation(
        resolver=mutations.issue_coupons,
        description=(
            "Issue one coupon to each customer from a quota, each customer on its own "
            "(FINANCE, ADMIN). Idempotent per idempotencyKey."
        ),
    )
    reclaim_coupons: mutations.CouponsPayload = strawberry.mutation(
        resolver=mutations.reclaim_coupons,
        description=(
            "Take each coupon's remaining balance back into its quota, each coupon on its own "
            "(FINANCE, ADMIN). Idempotent per idempotencyKey."
        ),
    )
