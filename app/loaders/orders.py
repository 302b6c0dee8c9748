"""Loaders of the orders domain: the catalog, orders and their lines, payments and refunds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, PageRequest
from app.services.orders import products
from app.services.orders import reads as order_reads
from app.services.orders.reads import OrderFilter


class OrderLoaders:
    ctx: ServiceContext
    product: RowLoader
    order: RowLoader
    order_lines: RowLoader
    order_payments: RowLoader
    order_refunds: RowLoader
    order_coupons: RowLoader
    order_count_by_customer: LoaderFamily
    order_page_by_customer: LoaderFamily
    order_ids_by_resource: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.product = by_key(lambda ids: products.get_products(ctx, ids))
        self.order = by_key(lambda ids: order_reads.get_orders(ctx, ids))
        self.order_lines = by_key(lambda ids: order_reads.lines_by_order(ctx, ids), default=())
        self.order_payments = by_key(
            lambda ids: order_reads.payments_by_order(ctx, ids), default=()
        )
        self.order_refunds = by_key(lambda ids: order_reads.refunds_by_order(ctx, ids), default=())
        self.order_coupons = by_key(lambda ids: order_reads.coupons_by_order(ctx, ids), default=())
        self.order_count_by_customer = LoaderFamily(self._order_counts, default=0)
        self.order_page_by_customer = LoaderFamily(self._order_pages)
        self.order_ids_by_resource = by_key(
            lambda ids: order_reads.order_ids_by_resource(ctx, ids), default=()
        )

    def _order_counts(self, order_filter: OrderFilter) -> Any:
        async def fetch(ids: Sequence[int]) -> dict[int, int]:
            return await order_reads.count_by_customer(self.ctx, order_filter, ids)

        return fetch

    def _order_pages(self, args: tuple[OrderFilter, str, Direction, PageRequest]) -> Any:
        order_filter, field, direction, page = args
        counts = self.order_count_by_customer.get(order_filter)

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await order_reads.pages_by_customer(
                self.ctx, ids, order_filter, field, direction, page, counts.load
            )

        return fetch
