"""Loaders of the consumption domain: customer totals, detail pages, cycles, 95th percentile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, RowLoader, by_key
from app.services.consumption import cycles as consumption_cycles
from app.services.consumption import late_samples
from app.services.consumption import percentile as consumption_percentile
from app.services.consumption import queries as consumption_queries
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, PageRequest


class ConsumptionLoaders:
    ctx: ServiceContext
    consumption_by_customer: LoaderFamily
    consumption_pages_by_resource: LoaderFamily
    consumption_detail: RowLoader
    cycle_state: RowLoader
    percentile_bill: RowLoader
    percentile_corrections: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.consumption_by_customer = LoaderFamily(self._consumption_totals, default={})
        self.consumption_pages_by_resource = LoaderFamily(self._consumption_pages)
        self.consumption_detail = by_key(lambda ids: consumption_queries.get_details(ctx, ids))
        self.cycle_state = by_key(lambda cycles: consumption_cycles.cycle_states(ctx, cycles))
        self.percentile_bill = by_key(
            lambda keys: consumption_percentile.get_percentile_bills(ctx, keys)
        )
        self.percentile_corrections = by_key(
            lambda keys: late_samples.get_percentile_corrections(ctx, keys), default=[]
        )

    def _consumption_totals(self, cycle: str) -> Any:
        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await consumption_queries.customer_cycle_totals(self.ctx, cycle, ids)

        return fetch

    def _consumption_pages(self, args: tuple[Any, Any, Direction, PageRequest]) -> Any:
        consumption_filter, field, direction, page = args

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await consumption_queries.detail_pages_by_resource(
                self.ctx, ids, consumption_filter, field, direction, page
            )

        return fetch
