"""Customers' cloud resources: partner-wide lists and per-customer pages.

A resource's status is read as its rules give it now (`app.services.core.resource_status`):
rows carry what the rule needs (`status_columns`), filters use its SQL form, and the
`resources.expire` job stores it on yearly/monthly resources (on-demand ones: the arrears
job in funds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.models import Resource
from app.models.customers.enums import BillingMode, ResourceStatus, ServiceType
from app.services.core import resource_status
from app.services.core.context import ServiceContext
from app.services.core.jobs import job
from app.services.core.pagination import (
    Direction,
    Ordering,
    Page,
    PageRequest,
    count_by_parent,
    fetch_page,
    fetch_pages_by_parent,
)
from app.services.core.scoping import visible


class ResourceOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    EXPIRES_AT = "EXPIRES_AT"
    NAME = "NAME"


@dataclass(frozen=True, slots=True)
class ResourceFilter:
    """Conditions of a resource list; `None` means "any"."""

    customer_id: int | None = None
    service_types: tuple[ServiceType, ...] | None = None
    statuses: tuple[ResourceStatus, ...] | None = None
    billing_mode: BillingMode | None = None
    region: str | None = None
    expiring_before: datetime | None = None


RESOURCE_COLUMNS = (
    Resource.id,
    Resource.partner_id,
    Resource.customer_id,
    Resource.name,
    Resource.service_type,
    Resource.region,
    Resource.spec,
    Resource.billing_mode,
    Resource.status,
    Resource.created_at,
    Resource.expires_at,
    Resource.auto_renew,
    Resource.order_id,
    Resource.is_reserved_instance,
    Resource.is_support_plan,
    Resource.product_id,
    *resource_status.status_columns(),
)

_SORT = {
    ResourceOrderField.CREATED_AT: (Resource.created_at, "created_at", False),
    ResourceOrderField.EXPIRES_AT: (Resource.expires_at, "expires_at", True),
    ResourceOrderField.NAME: (Resource.name, "name", False),
}


def _ordering(field: ResourceOrderField, direction: Direction) -> Ordering:
    column, _, nullable = _SORT[field]
    return Ordering(field.value, column, Resource.id, direction, nullable)


def _sort_key(field: ResourceOrderField) -> Any:
    attr = _SORT[field][1]
    return lambda row: getattr(row, attr)


def _filtered(ctx: ServiceContext, f: ResourceFilter) -> Select[Any]:
    stmt = select(*RESOURCE_COLUMNS).where(visible(ctx.principal, Resource))
    if f.customer_id is not None:
        stmt = stmt.where(Resource.customer_id == f.customer_id)
    if f.service_types:
        stmt = stmt.where(Resource.service_type.in_(f.service_types))
    if f.statuses:
        stmt = stmt.where(resource_status.status_in(f.statuses))
    if f.billing_mode is not None:
        stmt = stmt.where(Resource.billing_mode == f.billing_mode)
    if f.region is not None:
        stmt = stmt.where(Resource.region == f.region)
    if f.expiring_before is not None:
        stmt = stmt.where(Resource.expires_at < f.expiring_before)
    return stmt


async def list_resources(
    ctx: ServiceContext,
    resource_filter: ResourceFilter,
    order_field: ResourceOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """Resources the caller may see, across its customers, one keyset page."""
    return await fetch_page(
        ctx.session,
        _filtered(ctx, resource_filter),
        _ordering(order_field, direction),
        page,
        _sort_key(order_field),
    )


async def count_by_customer(
    ctx: ServiceContext, resource_filter: ResourceFilter, customer_ids: Sequence[int]
) -> dict[int, int]:
    """How many resources (matching the filter) each customer has: one grouped query."""
    return await count_by_parent(
        ctx.session, _filtered(ctx, resource_filter), Resource.customer_id, customer_ids
    )


async def pages_by_customer(
    ctx: ServiceContext,
    customer_ids: Sequence[int],
    resource_filter: ResourceFilter,
    order_field: ResourceOrderField,
    direction: Direction,
    page: PageRequest,
    counts: Any,
) -> dict[int, Page]:
    """One page of resources for each customer, in one statement."""
    return await fetch_pages_by_parent(
        ctx.session,
        _filtered(ctx, resource_filter),
        Resource.customer_id,
        customer_ids,
        _ordering(order_field, direction),
        page,
        _sort_key(order_field),
        counts,
    )


async def get_resources(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Resources by id among those the caller may see."""
    rows = await ctx.session.execute(
        select(*RESOURCE_COLUMNS).where(visible(ctx.principal, Resource), Resource.id.in_(ids))
    )
    return {row.id: row for row in rows}


@job("resources.expire", every=timedelta(minutes=5))
async def expire_resources(ctx: ServiceContext) -> str:
    """Store the status of yearly/monthly resources: GRACE_PERIOD once past `expires_at`,
    EXPIRED after the grace period, ACTIVE again once renewed (reads show it already)."""
    counts = await resource_status.store_statuses(
        ctx,
        BillingMode.YEARLY_MONTHLY,
        {
            ResourceStatus.GRACE_PERIOD: "resource.grace_period",
            ResourceStatus.EXPIRED: "resource.expire",
            ResourceStatus.ACTIVE: "resource.reactivate",
        },
    )
    return (
        f"{counts[ResourceStatus.GRACE_PERIOD]} resources to grace period, "
        f"{counts[ResourceStatus.EXPIRED]} resources expired, "
        f"{counts[ResourceStatus.ACTIVE]} reactivated"
    )
