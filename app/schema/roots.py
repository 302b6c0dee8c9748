"""The root types: each domain declares its own `Query` (and `Mutation`) fields in a module
here; they are combined into the schema's roots. A new domain adds one module and one base."""

from __future__ import annotations

import strawberry

from app.schema.consumption import roots as consumption
from app.schema.core import roots as core
from app.schema.funds import roots as funds
from app.schema.lifecycle import roots as acquisition
from app.schema.orders import roots as orders


@strawberry.type(description="Read entry points. Every list is a cursor connection.")
class Query(core.Query, acquisition.Query, funds.Query, orders.Query, consumption.Query):
    pass


@strawberry.type(
    description=(
        "Changes. Each runs in its own savepoint: a payload with userErrors changed nothing."
    )
)
class Mutation(
    core.Mutation, acquisition.Mutation, funds.Mutation, orders.Mutation, consumption.Mutation
):
    pass
