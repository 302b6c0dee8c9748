"""Loaders of the customers domain: customers, resources and account managers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, PageRequest
from app.services.customers import account_managers, customers, resources
from app.services.customers.customers import CustomerOrderField
from app.services.customers.resources import ResourceFilter, ResourceOrderField


class CustomerLoaders:
    ctx: ServiceContext
    customer: RowLoader
    resource: RowLoader
    resource_count_by_customer: LoaderFamily
    resource_page_by_customer: LoaderFamily
    managed_customer_count: RowLoader
    managed_customer_page_by_manager: LoaderFamily

    def setup(self, ctx: ServiceContext) -> None:
        self.customer = by_key(lambda ids: customers.get_customers(ctx, ids))
        self.resource = by_key(lambda ids: resources.get_resources(ctx, ids))
        self.resource_count_by_customer = LoaderFamily(self._resource_counts, default=0)
        self.resource_page_by_customer = LoaderFamily(self._resource_pages)
        self.managed_customer_count = by_key(
            lambda ids: account_managers.count_managed(ctx, ids), default=0
        )
        self.managed_customer_page_by_manager = LoaderFamily(self._managed_pages)

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

    def _managed_pages(self, args: tuple[CustomerOrderField, Direction, PageRequest]) -> Any:
        field, direction, page = args

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await account_managers.managed_customer_pages(
                self.ctx, ids, field, direction, page, self.managed_customer_count.load
            )

        return fetch
