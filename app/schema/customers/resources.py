"""Resource type, filter and ordering."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.schema.consumption.consumption import (
    ConsumptionDetail,
    ConsumptionDetailOrder,
    ConsumptionFilter,
    PercentileBill,
)
from app.schema.core.enums import OrderDirection
from app.schema.core.relay import After, Connection, First, Node, connection
from app.schema.core.rows import row_values
from app.schema.customers.enums import BillingMode, ResourceOrderField, ResourceStatus, ServiceType
from app.services.core import resource_status

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer
    from app.schema.orders.orders import Order
    from app.schema.orders.products import Product


@strawberry.input(description="Ordering of a resource list.")
class ResourceOrder:
    field: ResourceOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction."
    )


@strawberry.input(description="Conditions a resource must meet; all given ones apply.")
class ResourceFilter:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's resources."
    )
    service_types: list[ServiceType] | None = strawberry.field(
        default=None, description="Any of these service types."
    )
    statuses: list[ResourceStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as the resource reads now)."
    )
    billing_mode: BillingMode | None = strawberry.field(default=None, description="Billing mode.")
    region: str | None = strawberry.field(default=None, description="Region code, exactly.")
    expiring_before: datetime | None = strawberry.field(
        default=None, description="Expires before this time (resources with an expiry only)."
    )


ResourceFilterInput = ResourceFilter


@strawberry.type(description="A customer's cloud resource.")
class Resource(Node):
    db_id: strawberry.Private[int]
    customer_id: strawberry.Private[int]
    product_id: strawberry.Private[int | None]
    name: str = strawberry.field(description="Resource name.")
    service_type: ServiceType = strawberry.field(description="Cloud service.")
    region: str = strawberry.field(description="Region code, e.g. cn-north-4.")
    spec: str = strawberry.field(description="Specification, e.g. s6.large.2.")
    billing_mode: BillingMode = strawberry.field(description="How it is billed.")
    status: ResourceStatus = strawberry.field(
        description="Lifecycle status as its rules give it now: a yearly/monthly resource past "
        "its expiry is GRACE_PERIOD, then EXPIRED; an on-demand one is GRACE_PERIOD, then FROZEN "
        "while its customer is in arrears, ACTIVE again once they are repaid."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    expires_at: datetime | None = strawberry.field(
        description="End of the prepaid term (yearly/monthly only)."
    )
    auto_renew: bool = strawberry.field(description="Renews itself at expiry.")
    is_reserved_instance: bool = strawberry.field(description="A reserved instance.")
    is_support_plan: bool = strawberry.field(description="A support plan.")

    @strawberry.field(description="The catalog product it runs as (null if unknown).")
    async def product(
        self, info: strawberry.Info
    ) -> Annotated[Product, strawberry.lazy("app.schema.orders.products")] | None:
        from app.schema.orders.products import Product

        if self.product_id is None:
            return None
        row = await info.context.loaders.product.load(self.product_id)
        return None if row is None else Product.from_row(row)

    @strawberry.field(description="The orders that created, renewed, changed or released it.")
    async def orders(
        self, info: strawberry.Info
    ) -> list[Annotated[Order, strawberry.lazy("app.schema.orders.orders")]]:
        from app.schema.orders.orders import Order

        ids = await info.context.loaders.order_ids_by_resource.load(self.db_id)
        found = await info.context.loaders.order.load_many(list(ids))
        return [Order.from_row(r) for r in found if r is not None]

    @strawberry.field(description="The customer that owns it.")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="This resource's consumption detail lines (keyset pages).")
    async def consumption(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ConsumptionFilter | None,
            strawberry.argument(description="Conditions (resourceIds is ignored here)."),
        ] = None,
        order_by: Annotated[
            ConsumptionDetailOrder | None,
            strawberry.argument(description="Ordering (default: ID ascending)."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[ConsumptionDetail]:
        from app.resolvers.consumption import consumption as consumption_resolvers

        page = await consumption_resolvers.resource_details(
            info.context, int(self.db_id), filter, order_by, first, after
        )
        return connection(page, ConsumptionDetail.from_row)

    @strawberry.field(
        description="The 95th-percentile bandwidth bill of a cycle, explained (null if none)."
    )
    async def percentile_bill(
        self,
        info: strawberry.Info,
        cycle: Annotated[str, strawberry.argument(description="Bill cycle, YYYY-MM.")],
    ) -> PercentileBill | None:
        from app.resolvers.consumption import consumption as consumption_resolvers

        row = await consumption_resolvers.percentile_bill(info.context, int(self.db_id), cycle)
        return None if row is None else PercentileBill.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Resource:
        v = row_values(row, RESOURCE_FIELDS)
        return cls(
            id=strawberry.ID(to_global_id("Resource", v["id"])),
            db_id=v["id"],
            customer_id=v["customer_id"],
            product_id=v["product_id"],
            name=v["name"],
            service_type=v["service_type"],
            region=v["region"],
            spec=v["spec"],
            billing_mode=v["billing_mode"],
            status=resource_status.status_of(v),
            created_at=v["created_at"],
            expires_at=v["expires_at"],
            auto_renew=v["auto_renew"],
            is_reserved_instance=v["is_reserved_instance"],
            is_support_plan=v["is_support_plan"],
        )


RESOURCE_FIELDS = (
    "id",
    "customer_id",
    "product_id",
    "name",
    "service_type",
    "region",
    "spec",
    "billing_mode",
    "status",
    "created_at",
    "expires_at",
    "auto_renew",
    "is_reserved_instance",
    "is_support_plan",
    resource_status.IN_ARREARS,
    resource_status.ARREARS_SINCE,
)
