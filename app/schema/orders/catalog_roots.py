"""Root field of the product catalog."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.orders import products as product_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.orders.products import Product, ProductFilter


@strawberry.type(description="Read entry points: the product catalog.")
class Query:
    @strawberry.field(description="The product catalog, by product code.")
    async def products(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ProductFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Product]:
        page = await product_resolvers.list_products(
            info.context, filter, first, after, last, before
        )
        return connection(page, Product.from_row)
