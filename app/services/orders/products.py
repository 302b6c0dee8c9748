"""The product catalog as every principal reads it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from app.models import Product
from app.models.customers.enums import BillingMode, ServiceType
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page

PRODUCT_COLUMNS = (
    Product.id,
    Product.code,
    Product.name,
    Product.service_type,
    Product.region,
    Product.spec,
    Product.billing_mode,
    Product.unit,
    Product.monthly_price,
    Product.yearly_price,
    Product.unit_price,
    Product.active,
)


@dataclass(frozen=True, slots=True)
class ProductFilter:
    service_types: tuple[ServiceType, ...] | None = None
    regions: tuple[str, ...] | None = None
    billing_modes: tuple[BillingMode, ...] | None = None
    include_inactive: bool = False


def _filtered(f: ProductFilter) -> Select[Any]:
    stmt = select(*PRODUCT_COLUMNS)
    if not f.include_inactive:
        stmt = stmt.where(Product.active.is_(True))
    if f.service_types:
        stmt = stmt.where(Product.service_type.in_(f.service_types))
    if f.regions:
        stmt = stmt.where(Product.region.in_(f.regions))
    if f.billing_modes:
        stmt = stmt.where(Product.billing_mode.in_(f.billing_modes))
    return stmt


async def list_products(ctx: ServiceContext, f: ProductFilter, page: PageRequest) -> Page:
    """The catalog, by product code (public to every authenticated caller)."""
    ordering = Ordering("CODE", Product.code, Product.id, Direction.ASC)
    return await fetch_page(ctx.session, _filtered(f), ordering, page, lambda r: r.code)


async def get_products(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(select(*PRODUCT_COLUMNS).where(Product.id.in_(ids)))
    return {row.id: row for row in rows}
