"""Resolvers of coupon quotas: the lists and the platform's grant and reclaim."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_once
from app.resolvers.core.reload import reload
from app.services.core.pagination import Page, PageRequest
from app.services.coupons import quotas as service
from app.services.coupons import reads
from app.services.coupons.reads import QuotaFilter

if TYPE_CHECKING:
    from app.schema.coupons.quotas import (
        CouponQuotaFilter,
        GrantCouponQuotaInput,
        ReclaimCouponQuotaInput,
    )


def to_filter(value: CouponQuotaFilter | None) -> QuotaFilter:
    if value is None:
        return QuotaFilter()
    return QuotaFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        partner_id=require_id(value.partner_id, "Partner", "partnerId")
        if value.partner_id is not None
        else None,
    )


async def list_quotas(
    ctx: RequestContext,
    filter: CouponQuotaFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await reads.list_quotas(ctx.service, to_filter(filter), page)
    ctx.loaders.coupon_quota.prime_many(result.rows)
    return result


async def list_quota_records(
    ctx: RequestContext,
    quota_id: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await reads.list_quota_records(
        ctx.service, parse_optional_id(quota_id, "CouponQuota"), page
    )


async def quota_records(
    ctx: RequestContext,
    quota_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    """A quota's history, batched with its siblings' through one loader per page request."""
    page = PageRequest.from_args(first, after, last, before)
    return await ctx.loaders.quota_record_page_by_quota.get(page).load(quota_id)


async def _quota(ctx: RequestContext, outcome: Outcome[Any]) -> Outcome[Any]:
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    return Outcome(value=await reload(ctx.loaders.coupon_quota, outcome.value["quota"]))


async def grant_coupon_quota(ctx: RequestContext, input: GrantCouponQuotaInput) -> Outcome[Any]:
    partner_id = parse_optional_id(input.partner_id, "Partner")
    outcome = await run_once(
        lambda: service.grant_coupon_quota.once(
            ctx.service,
            input.idempotency_key,
            partner_id,
            input.amount,
            input.valid_from,
            input.valid_to,
            input.remark,
        )
    )
    return await _quota(ctx, outcome)


async def reclaim_coupon_quota(ctx: RequestContext, input: ReclaimCouponQuotaInput) -> Outcome[Any]:
    quota_id = parse_optional_id(input.quota_id, "CouponQuota")
    outcome = await run_once(
        lambda: service.reclaim_coupon_quota.once(
            ctx.service, input.idempotency_key, quota_id, input.amount
        )
    )
    return await _quota(ctx, outcome)
