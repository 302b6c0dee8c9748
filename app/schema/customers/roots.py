"""Root fields of customers, their resources and account managers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.customers import customers as customer_resolvers
from app.resolvers.customers import resources as resource_resolvers
from app.schema.core.prefetch import prefetch_page
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.customers import (
    account_managers,
    customer_batches,  # noqa: F401  (registers Customer's batches with the look-ahead)
    customers,
    resource_operations,
)
from app.schema.customers.customers import Customer, CustomerFilter, CustomerOrder
from app.schema.customers.resources import Resource, ResourceFilter, ResourceOrder


@strawberry.type(description="Read entry points: customers and their resources.")
class Query:
    @strawberry.field(description="Current customers the caller may see.")
    async def customers(
        self,
        info: strawberry.Info,
        filter: Annotated[
            CustomerFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            CustomerOrder | None,
            strawberry.argument(description="Ordering; newest association first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Customer]:
        page = await customer_resolvers.list_customers(
            info.context, filter, order_by, first, after, last, before
        )
        customers_page = connection(page, Customer.from_row)
        await prefetch_page(info, customers_page)
        return customers_page

    @strawberry.field(description="One customer by id (former customers included).")
    async def customer(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
    ) -> Customer | None:
        row = await customer_resolvers.get_customer(info.context, id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="Resources of all customers the caller may see.")
    async def resources(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ResourceFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            ResourceOrder | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Resource]:
        page = await resource_resolvers.list_resources(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Resource.from_row)

    @strawberry.field(description="One resource by id.")
    async def resource(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The resource's global id.")],
    ) -> Resource | None:
        row = await resource_resolvers.get_resource(info.context, id)
        return None if row is None else Resource.from_row(row)


@strawberry.type(description="Changes: customers, their resources and account managers.")
class Mutation:
    update_customer: customers.UpdateCustomerPayload = strawberry.mutation(
        resolver=customers.update_customer,
        description=("Set a customer's labels and/or remark (ADMIN; SALES for managed customers)."),
    )
    freeze_customer: customers.FreezeCustomerPayload = strawberry.mutation(
        resolver=customers.freeze_customer,
        description="Freeze a customer's account (PLATFORM); blocks association changes.",
    )
    unfreeze_customer: customers.UnfreezeCustomerPayload = strawberry.mutation(
        resolver=customers.unfreeze_customer,
        description="Unfreeze a customer's account (PLATFORM).",
    )
    set_resource_auto_renew: resource_operations.SetResourceAutoRenewPayload = strawberry.mutation(
        resolver=resource_operations.set_resource_auto_renew,
        description=(
            "Turn a yearly/monthly resource's auto-renew on or off under the customer's "
            "active OPERATIONS authorization (ADMIN; SALES for managed customers)."
        ),
    )
    assign_account_manager: account_managers.AssignAccountManagerPayload = strawberry.mutation(
        resolver=account_managers.assign_account_manager,
        description=(
            "Make a SALES/ADMIN user the manager of up to 100 customers; per-item results (ADMIN)."
        ),
    )
    unassign_account_manager: account_managers.UnassignAccountManagerPayload = strawberry.mutation(
        resolver=account_managers.unassign_account_manager,
        description="Remove the manager of up to 100 customers; per-item results (ADMIN).",
    )
