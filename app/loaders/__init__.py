"""Per-request DataLoaders: one `SELECT ... IN (...)` per batch, read through service scoping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.loaders.base import LoaderFamily, by_key
from app.services.consumption import cycles as consumption_cycles
from app.services.consumption import percentile as consumption_percentile
from app.services.consumption import queries as consumption_queries
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, PageRequest
from app.services.customers import account_managers, customers, resources
from app.services.customers.customers import CustomerOrderField
from app.services.customers.resources import ResourceFilter, ResourceOrderField
from app.services.funds import accounts, adjustments, recharges, withdrawals
from app.services.lifecycle import (
    association_changes,
    authorizations,
    company_registry,
    disassociation_requests,
    invitations,
    notifications,
    registrations,
)
from app.services.orders import products
from app.services.orders import reads as order_reads
from app.services.orders.reads import OrderFilter
from app.services.partners import partners


class Loaders:
    """Every loader of one request. Loaders read through the request's scoped services."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.customer = by_key(lambda ids: customers.get_customers(ctx, ids))
        self.partner = by_key(lambda ids: partners.get_partners(ctx, ids))
        self.partner_user = by_key(lambda ids: partners.get_partner_users(ctx, ids))
        self.resource = by_key(lambda ids: resources.get_resources(ctx, ids))
        self.product = by_key(lambda ids: products.get_products(ctx, ids))
        self.customer_position = by_key(lambda ids: accounts.get_customer_positions(ctx, ids))
        self.partner_account = by_key(lambda ids: accounts.get_partner_accounts(ctx, ids))
        self.adjustment = by_key(lambda ids: adjustments.get_adjustments(ctx, ids))
        self.recharge = by_key(lambda ids: recharges.get_recharges(ctx, ids))
        self.withdrawal = by_key(lambda ids: withdrawals.get_withdrawals(ctx, ids))
        self.resource_count_by_customer = LoaderFamily(self._resource_counts, default=0)
        self.resource_page_by_customer = LoaderFamily(self._resource_pages)
        self.registration = by_key(lambda ids: registrations.get_registrations(ctx, ids))
        self.invitation = by_key(lambda ids: invitations.get_invitations(ctx, ids))
        self.association_change = by_key(
            lambda ids: association_changes.get_association_changes(ctx, ids)
        )
        self.disassociation_request = by_key(
            lambda ids: disassociation_requests.get_disassociation_requests(ctx, ids)
        )
        self.authorization = by_key(lambda ids: authorizations.get_authorizations(ctx, ids))
        self.open_authorizations_by_customer = by_key(
            lambda ids: authorizations.open_by_customer(ctx, ids), default=()
        )
        self.notification = by_key(lambda ids: notifications.get_notifications(ctx, ids))
        self.reserved_company = by_key(
            lambda ids: company_registry.get_reserved_companies(ctx, ids)
        )
        self.managed_customer_count = by_key(
            lambda ids: account_managers.count_managed(ctx, ids), default=0
        )
        self.managed_customer_page_by_manager = LoaderFamily(self._managed_pages)
        self.order = by_key(lambda ids: order_reads.get_orders(ctx, ids))
        self.order_lines = by_key(lambda ids: order_reads.lines_by_order(ctx, ids), default=())
        self.order_payments = by_key(
            lambda ids: order_reads.payments_by_order(ctx, ids), default=()
        )
        self.order_refunds = by_key(lambda ids: order_reads.refunds_by_order(ctx, ids), default=())
        self.order_count_by_customer = LoaderFamily(self._order_counts, default=0)
        self.order_page_by_customer = LoaderFamily(self._order_pages)
        self.order_ids_by_resource = by_key(
            lambda ids: order_reads.order_ids_by_resource(ctx, ids), default=()
        )
        self.consumption_by_customer = LoaderFamily(self._consumption_totals, default={})
        self.consumption_pages_by_resource = LoaderFamily(self._consumption_pages)
        self.cycle_state = by_key(lambda cycles: consumption_cycles.cycle_states(ctx, cycles))
        self.percentile_bill = by_key(
            lambda keys: consumption_percentile.get_percentile_bills(ctx, keys)
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

    def _managed_pages(self, args: tuple[CustomerOrderField, Direction, PageRequest]) -> Any:
        field, direction, page = args

        async def fetch(ids: Sequence[int]) -> dict[int, Any]:
            return await account_managers.managed_customer_pages(
                self.ctx, ids, field, direction, page, self.managed_customer_count.load
            )

        return fetch
