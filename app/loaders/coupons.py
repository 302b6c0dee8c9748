"""Loaders of the coupons domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.core.pagination import PageRequest
from app.services.coupons import pickup_vouchers
from app.services.coupons.pickup_vouchers import VoucherFilter


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
