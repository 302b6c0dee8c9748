"""Per-request DataLoaders: one `SELECT ... IN (...)` per batch, read through service scoping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, by_key
from app.services import (
    accounts,
    adjustments,
    customers,
    partners,
    recharges,
    resources,
    withdrawals,
)
from app.services.context import ServiceContext
from app.services.pagination import Direction, PageRequest
from app.services.resources import ResourceFilter, ResourceOrderField


class Loaders:
    """Every loader of one request. Loaders read through the request's scoped services."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.customer = by_key(lambda ids: customers.get_customers(ctx, ids))
        self.partner = by_key(lambda ids: partners.get_partners(ctx, ids))
        self.partner_user = by_key(lambda ids: partners.get_partner_users(ctx, ids))
        self.resource = by_key(lambda ids: resources.get_resources(ctx, ids))
        self.customer_position = by_key(lambda ids: accounts.get_customer_positions(ctx, ids))
        self.partner_account = by_key(lambda ids: accounts.get_partner_accounts(ctx, ids))
        self.adjustment = by_key(lambda ids: adjustments.get_adjustments(ctx, ids))
        self.recharge = by_key(lambda ids: recharges.get_recharges(ctx, ids))
        self.withdrawal = by_key(lambda ids: withdrawals.get_withdrawals(ctx, ids))
        self.resource_count_by_customer = LoaderFamily(self._resource_counts, default=0)
        self.resource_page_by_customer = LoaderFamily(self._resource_pages)

    def _resource_counts(self, resource_filter: ResourceFilter) -> Any:
        async def fetch(ids: Sequence[int]) -> dict[int, int]:
            return await resources.count_by_customer(self.ctx, resource_filter, ids)

        return fetch

    def _resource_pages(
        self, args: tuple[ResourceFilter, ResourceOrderField, Direction, PageRequest]
    ) -> Any:
        resource_filter, field, direction, page = args
        counts = self.resource_count_by_customer.get(resource_filter)

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await resources.pages_by_customer(
                self.ctx, ids, resource_filter, field, direction, page, counts.load
            )

        return fetch
