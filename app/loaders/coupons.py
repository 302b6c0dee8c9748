"""Loaders of the coupons domain: coupons, quotas, usages, a customer's coupon pages, pickup
vouchers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, PageRequest
from app.services.coupons import pickup_vouchers, reads
from app.services.coupons.pickup_vouchers import VoucherFilter
from app.services.coupons.reads import CouponFilter, CouponOrderField


class CouponLoaders:
    ctx: ServiceContext
    coupon: RowLoader
    coupon_quota: RowLoader
    coupon_usages: RowLoader
    coupon_count_by_customer: LoaderFamily
    coupon_page_by_customer: LoaderFamily
    quota_record_count: RowLoader
    quota_record_page_by_quota: LoaderFamily

    def setup(self, ctx: ServiceContext) -> None:
        self.coupon = by_key(lambda ids: reads.get_coupons(ctx, ids))
        self.coupon_quota = by_key(lambda ids: reads.get_quotas(ctx, ids))
        self.coupon_usages = by_key(lambda ids: reads.usages_by_coupon(ctx, ids), default=())
        self.coupon_count_by_customer = LoaderFamily(self._coupon_counts, default=0)
        self.coupon_page_by_customer = LoaderFamily(self._coupon_pages)
        self.quota_record_count = by_key(
            lambda ids: reads.record_counts_by_quota(ctx, ids), default=0
        )
        self.quota_record_page_by_quota = LoaderFamily(self._record_pages)

    def _record_pages(self, page: PageRequest) -> Any:
        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await reads.record_pages_by_quota(
                self.ctx, ids, page, self.quota_record_count.load
            )

        return fetch

    def _coupon_counts(self, coupon_filter: CouponFilter) -> Any:
        async def fetch(ids: Sequence[int]) -> dict[int, int]:
            return await reads.count_by_customer(self.ctx, coupon_filter, ids)

        return fetch

    def _coupon_pages(
        self, args: tuple[CouponFilter, CouponOrderField, Direction, PageRequest]
    ) -> Any:
        coupon_filter, field, direction, page = args
        counts = self.coupon_count_by_customer.get(coupon_filter)

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await reads.pages_by_customer(
                self.ctx, ids, coupon_filter, field, direction, page, counts.load
            )

        return fetch


# --- pickup vouchers ----------------------------------------------------------------------
class PickupVoucherLoaders:
    ctx: ServiceContext
    pickup_voucher: RowLoader
    pickup_voucher_count_by_customer: LoaderFamily
    pickup_voucher_page_by_customer: LoaderFamily

    def setup(self, ctx: ServiceContext) -> None:
        self.pickup_voucher = by_key(lambda ids: pickup_vouchers.get_pickup_vouchers(ctx, ids))
        self.pickup_voucher_count_by_customer = LoaderFamily(self._voucher_counts, default=0)
        self.pickup_voucher_page_by_customer = LoaderFamily(self._voucher_pages)

    def _voucher_counts(self, voucher_filter: VoucherFilter) -> Any:
        async def fetch(ids: Sequence[int]) -> dict[int, int]:
            return await pickup_vouchers.count_by_customer(self.ctx, voucher_filter, ids)

        return fetch

    def _voucher_pages(self, args: tuple[VoucherFilter, PageRequest]) -> Any:
        voucher_filter, page = args
        counts = self.pickup_voucher_count_by_customer.get(voucher_filter)

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await pickup_vouchers.pages_by_customer(
                self.ctx, ids, voucher_filter, page, counts.load
            )

        return fetch
