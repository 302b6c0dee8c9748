"""Consumption fixtures: an on-demand catalog, resources that run as its products, and
usage records built as the platform sends them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Customer, Partner, PartnerUser, Product, Resource
from app.models.customers.enums import BillingMode, ServiceType
from app.models.funds.enums import AdjustmentKind
from app.models.partners.enums import Role
from app.services.consumption.ingest import IngestResult, ingest_batch
from app.services.funds import adjustments, credit
from tests.factories import make_customer, make_partner, make_resource, make_user
from tests.funds.helpers import acting_as, platform, recharge

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(day: date, hour: int = 0) -> datetime:
    """`hour` o'clock of a business day, in UTC."""
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


async def make_product(
    session: AsyncSession,
    service: ServiceType = ServiceType.ECS,
    unit: str = "hour",
    unit_price: str = "0.34000000",
    region: str = "cn-north-4",
) -> Product:
    n = next(_seq)
    product = Product(
        code=f"test.{service.value.lower()}.{n}.od",
        name=f"Test {service.value} {n}",
        service_type=service,
        region=region,
        spec=f"spec-{n}",
        billing_mode=BillingMode.ON_DEMAND,
        unit=unit,
        unit_price=Decimal(unit_price),
    )
    session.add(product)
    await session.flush()
    return product


async def on_demand_resource(
    session: AsyncSession, customer: Customer, product: Product, **fields: Any
) -> Resource:
    return await make_resource(
        session,
        customer,
        service_type=product.service_type,
        region=product.region,
        spec=product.spec,
        billing_mode=BillingMode.ON_DEMAND,
        product_id=product.id,
        expires_at=None,
        **fields,
    )


@dataclass
class World:
    partner: Partner
    admin: PartnerUser
    customer: Customer
    product: Product
    resource: Resource


async def world(session: AsyncSession) -> World:
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customer = await make_customer(session, partner)
    product = await make_product(session)
    resource = await on_demand_resource(session, customer, product)
    return World(partner, admin, customer, product, resource)


def usage(
    resource: Resource,
    start: datetime,
    quantity: str = "1",
    *,
    source_id: str | None = None,
    hours: int = 1,
    unit: str = "hour",
    **extra: Any,
) -> dict[str, Any]:
    record = {
        "sourceId": source_id or f"src-{next(_seq)}",
        "resourceId": resource.id,
        "customerId": resource.customer_id,
        "serviceType": resource.service_type.value,
        "region": resource.region,
        "startAt": start.isoformat(),
        "endAt": (start + timedelta(hours=hours)).isoformat(),
        "quantity": quantity,
        "unit": unit,
    }
    record.update(extra)
    return record


async def ingest(session: AsyncSession, records: list[dict[str, Any]]) -> IngestResult:
    return await ingest_batch(platform(session), records)


async def fund(session: AsyncSession, w: World, amount: str, credit_limit: str = "0") -> None:
    """Give the customer `amount` of cash (through a partner recharge and an allocation)."""
    await recharge(session, w.partner, amount)
    ctx = acting_as(session, w.admin)
    await adjustments.adjust_customer_funds(
        ctx, w.customer.id, AdjustmentKind.ALLOCATE, Decimal(amount)
    )
    if Decimal(credit_limit):
        await credit.set_customer_credit_limit(ctx, w.customer.id, Decimal(credit_limit))
