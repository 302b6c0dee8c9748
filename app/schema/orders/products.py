"""Product type and the catalog filter."""

from __future__ import annotations

from typing import Any

import strawberry

from app.globalid import to_global_id
from app.schema.core.money import Money
from app.schema.core.relay import Node
from app.schema.customers.enums import BillingMode, ServiceType


@strawberry.type(description="A catalog product: service x region x spec x billing mode, priced.")
class Product(Node):
    code: str = strawberry.field(description="Stable product code.")
    name: str = strawberry.field(description="Display name.")
    service_type: ServiceType = strawberry.field(description="Cloud service.")
    region: str = strawberry.field(description="Region code.")
    spec: str = strawberry.field(description="Specification.")
    billing_mode: BillingMode = strawberry.field(description="Prepaid or pay per use.")
    unit: str = strawberry.field(
        description='Unit of usage ON_DEMAND prices are per (e.g. "hour", "GB").'
    )
    monthly_price: Money | None = strawberry.field(
        description="List price per month (YEARLY_MONTHLY)."
    )
    yearly_price: Money | None = strawberry.field(
        description="List price per year, its own number (YEARLY_MONTHLY)."
    )
    unit_price: Money | None = strawberry.field(
        description="Price per unit of usage, up to 8 decimals (ON_DEMAND)."
    )
    active: bool = strawberry.field(description="Orderable now.")

    @classmethod
    def from_row(cls, row: Any) -> Product:
        return cls(
            id=strawberry.ID(to_global_id("Product", row.id)),
            code=row.code,
            name=row.name,
            service_type=row.service_type,
            region=row.region,
            spec=row.spec,
            billing_mode=row.billing_mode,
            unit=row.unit,
            monthly_price=Money.cny(row.monthly_price),
            yearly_price=Money.cny(row.yearly_price),
            unit_price=Money.cny(row.unit_price),
            active=row.active,
        )


@strawberry.input(description="Conditions on catalog products; all given ones apply.")
class ProductFilter:
    service_types: list[ServiceType] | None = strawberry.field(
        default=None, description="Any of these service types."
    )
    regions: list[str] | None = strawberry.field(default=None, description="Any of these regions.")
    billing_modes: list[BillingMode] | None = strawberry.field(
        default=None, description="Any of these billing modes."
    )
    include_inactive: bool | None = strawberry.field(
        default=None, description="Also list products no longer orderable."
    )
