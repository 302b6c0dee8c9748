"""The demo product catalog: six service types in two regions (loaded by `seed-demo`)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Product
from app.models.customers.enums import BillingMode, ServiceType

REGIONS = {"cn-north-4": Decimal("1.00"), "cn-east-3": Decimal("1.05")}

# (service, spec, name, monthly price, yearly price)
PREPAID = [
    (ServiceType.ECS, "s6.large.2", "ECS s6.large.2 (2 vCPU, 4 GiB)", "180.00", "1836.00"),
    (ServiceType.ECS, "s6.xlarge.2", "ECS s6.xlarge.2 (4 vCPU, 8 GiB)", "360.00", "3672.00"),
    (ServiceType.ECS, "c7.2xlarge.4", "ECS c7.2xlarge.4 (8 vCPU, 32 GiB)", "980.00", "9996.00"),
    (ServiceType.EVS, "SSD 100GB", "EVS ultra-high I/O 100 GB", "100.00", "1020.00"),
    (ServiceType.EVS, "SAS 500GB", "EVS high I/O 500 GB", "175.00", "1785.00"),
    (ServiceType.RDS, "mysql.x1.large.2", "RDS for MySQL x1.large.2", "450.00", "4590.00"),
    (ServiceType.RDS, "pg.x1.xlarge.4", "RDS for PostgreSQL x1.xlarge.4", "1200.00", "12240.00"),
    (ServiceType.BANDWIDTH, "20 Mbps", "Dedicated bandwidth 20 Mbps", "1600.00", "16320.00"),
]
# (service, spec, name, unit, unit price)
ON_DEMAND = [
    (ServiceType.ECS, "s6.large.2", "ECS s6.large.2, pay per use", "hour", "0.34000000"),
    (ServiceType.ECS, "s6.xlarge.2", "ECS s6.xlarge.2, pay per use", "hour", "0.68000000"),
    (ServiceType.OBS, "standard", "OBS standard storage", "GB-hour", "0.00013750"),
    (ServiceType.CDN, "mainland-traffic", "CDN traffic, Chinese mainland", "GB", "0.20000000"),
    (
        ServiceType.BANDWIDTH,
        "100 Mbps (95th percentile)",
        "Bandwidth billed on the monthly 95th percentile",
        "Mbps-month",
        "75.00000000",
    ),
    (ServiceType.RDS, "mysql.x1.large.2", "RDS for MySQL, pay per use", "hour", "0.85000000"),
]


def product_code(service: ServiceType, region: str, spec: str, mode: BillingMode) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in spec.lower()).strip("-")
    suffix = "ym" if mode is BillingMode.YEARLY_MONTHLY else "od"
    return f"{service.value.lower()}.{slug}.{region}.{suffix}"


def demo_products() -> list[Product]:
    products = []
    for region, factor in REGIONS.items():
        for service, spec, name, monthly, yearly in PREPAID:
            products.append(
                Product(
                    code=product_code(service, region, spec, BillingMode.YEARLY_MONTHLY),
                    name=name,
                    service_type=service,
                    region=region,
                    spec=spec,
                    billing_mode=BillingMode.YEARLY_MONTHLY,
                    unit="month",
                    monthly_price=(Decimal(monthly) * factor).quantize(Decimal("0.01")),
                    yearly_price=(Decimal(yearly) * factor).quantize(Decimal("0.01")),
                )
            )
        for service, spec, name, unit, price in ON_DEMAND:
            products.append(
                Product(
                    code=product_code(service, region, spec, BillingMode.ON_DEMAND),
                    name=name,
                    service_type=service,
                    region=region,
                    spec=spec,
                    billing_mode=BillingMode.ON_DEMAND,
                    unit=unit,
                    unit_price=(Decimal(price) * factor).quantize(Decimal("0.00000001")),
                )
            )
    return products


async def seed_catalog(session: AsyncSession) -> dict[tuple[str, str, str, str], int]:
    """Insert the demo products that are missing; returns their ids by (service, region,
    spec, billing mode)."""
    existing = set(await session.scalars(select(Product.code)))
    for product in demo_products():
        if product.code not in existing:
            session.add(product)
    await session.flush()
    rows = await session.execute(
        select(Product.id, Product.service_type, Product.region, Product.spec, Product.billing_mode)
    )
    return {
        (service.value, region, spec, mode.value): pid for pid, service, region, spec, mode in rows
    }
