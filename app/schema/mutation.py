"""The `Mutation` root. Each mutation: `verbNoun(input: VerbNounInput!): VerbNounPayload!`."""

from __future__ import annotations

import strawberry

from app.schema import customers


@strawberry.type(
    description=(
        "Changes. Each runs in its own savepoint: a payload with userErrors changed nothing."
    )
)
class Mutation:
    update_customer: customers.UpdateCustomerPayload = strawberry.mutation(
        resolver=customers.update_customer,
        description="Set a customer's labels and/or remark (ADMIN; SALES for managed customers).",
    )
