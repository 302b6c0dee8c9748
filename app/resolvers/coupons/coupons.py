"""Resolvers of coupons: the list, a customer's coupons, issuing and reclaiming."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from app.context import RequestContext
from app.resolvers.core.ids import parse_optional_id, require_id
from app.resolvers.core.mutations import LoadedBulk, load_bulk, run_bulk_once
from app.services.core.pagination import Direction, Page, PageRequest
from app.services.coupons import issuing, reads, reclaiming
from app.services.coupons.issuing import CouponTerms
from app.services.coupons.reads import CouponFilter, CouponOrderField

if TYPE_CHECKING:
    from app.schema.coupons.coupons import CouponFilterInput, CouponOrder
    from app.schema.coupons.mutations import IssueCouponsInput, ReclaimCouponsInput


def to_filter(value: CouponFilterInput | None) -> CouponFilter:
    if value is None:
        return CouponFilter()
    return CouponFilter(
        customer_ids=tuple(require_id(g, "Customer", "customerIds") for g in value.customer_ids)
        if value.customer_ids is not None
        else None,
        kinds=tuple(value.kinds) if value.kinds else None,
        statuses=tuple(value.statuses) if value.statuses else None,
        expiring_before=value.expiring_before,
        quota_id=require_id(value.quota_id, "CouponQuota", "quotaId")
        if value.quota_id is not None
        else None,
    )


def _order(order_by: CouponOrder | None) -> tuple[CouponOrderField, Direction]:
    if order_by is None:
        return CouponOrderField.CREATED_AT, Direction.DESC
    return order_by.field, order_by.direction


async def list_coupons(
    ctx: RequestContext,
    filter: CouponFilterInput | None,
    order_by: CouponOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field, direction = _order(order_by)
    result = await reads.list_coupons(ctx.service, to_filter(filter), field, direction, page)
    ctx.loaders.coupon.prime_many(result.rows)
    return result


async def customer_coupons(
    ctx: RequestContext,
    customer_id: int,
    filter: CouponFilterInput | None,
    order_by: CouponOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    """A customer's coupons, batched with its siblings' through one loader per argument set."""
    page = PageRequest.from_args(first, after, last, before)
    field, direction = _order(order_by)
    # The parent decides the customer: `customerIds` in the filter is ignored here.
    args = (replace(to_filter(filter), customer_ids=None), field, direction, page)
    return await ctx.loaders.coupon_page_by_customer.get(args).load(customer_id)


async def issue_coupons(ctx: RequestContext, input: IssueCouponsInput) -> LoadedBulk:
    customer_ids = [parse_optional_id(g, "Customer") for g in input.customer_ids]
    terms = CouponTerms(
        kind=input.kind,
        valid_from=input.valid_from,
        valid_to=input.valid_to,
        face_value=input.face_value,
        rate=input.rate,
        cap=input.cap,
        service_types=tuple(input.service_types or ()),
        minimum_order_amount=input.minimum_order_amount,
    )
    result = await run_bulk_once(
        lambda: issuing.issue_coupons.once(
            ctx.service,
            input.idempotency_key,
            parse_optional_id(input.quota_id, "CouponQuota"),
            customer_ids,
            terms,
        ),
        "customerIds",
        len(customer_ids),
    )
    return await load_bulk(result, ctx.loaders.coupon)


async def reclaim_coupons(ctx: RequestContext, input: ReclaimCouponsInput) -> LoadedBulk:
    coupon_ids = [parse_optional_id(g, "Coupon") for g in input.coupon_ids]
    result = await run_bulk_once(
        lambda: reclaiming.reclaim_coupons.once(ctx.service, input.idempotency_key, coupon_ids),
        "couponIds",
        len(coupon_ids),
    )
    return await load_bulk(result, ctx.loaders.coupon)
