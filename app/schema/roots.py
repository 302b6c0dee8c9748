"""The root types: each domain declares its own `Query` (and `Mutation`) fields in
`app/schema/<domain>/roots.py`; they are combined here. A new domain adds one module and one
base to each class."""

from __future__ import annotations

import strawberry

from app.schema.consumption import roots as consumption
from app.schema.core import roots as core
from app.schema.coupons import roots as coupons
from app.schema.customers import roots as customers
from app.schema.funds import roots as funds
from app.schema.invoices import roots as invoices
from app.schema.lifecycle import roots as lifecycle
from app.schema.orders import roots as orders
from app.schema.partners import roots as partners


@strawberry.type(description="Read entry points. Every list is a cursor connection.")
class Query(
    partners.Query,
    core.Query,
    customers.Query,
    lifecycle.Query,
    funds.Query,
    orders.Query,
    consumption.Query,
    coupons.Query,
    invoices.Query,
):
    pass


@strawberry.type(
    description=(
        "Changes. Each runs in its own savepoint: a payload with userErrors changed nothing."
    )
)
class Mutation(
    customers.Mutation,
    lifecycle.Mutation,
    partners.Mutation,
    funds.Mutation,
    orders.Mutation,
    consumption.Mutation,
    coupons.Mutation,
    invoices.Mutation,
):
    pass
