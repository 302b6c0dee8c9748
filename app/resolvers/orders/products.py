"""Resolvers of the product catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.services.core.pagination import Page, PageRequest
from app.services.orders import products as service
from app.services.orders.products import ProductFilter

if TYPE_CHECKING:
    from app.schema.orders.products import ProductFilter as ProductFilterInput


def to_filter(value: ProductFilterInput | None) -> ProductFilter:
    if value is None:
        return ProductFilter()
    return ProductFilter(
        service_types=tuple(value.service_types or ()) or None,
        regions=tuple(value.regions or ()) or None,
        billing_modes=tuple(value.billing_modes or ()) or None,
        include_inactive=bool(value.include_inactive),
    )


async def list_products(
    ctx: RequestContext,
    filter: ProductFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_products(ctx.service, to_filter(filter), page)
    ctx.loaders.product.prime_many(result.rows)
    return result


async def get_product(ctx: RequestContext, global_id: str) -> Any:
    row_id = parse_id(global_id, "Product")
    return None if row_id is None else await ctx.loaders.product.load(row_id)
