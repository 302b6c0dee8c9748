"""Resources in every status their rules can give them (no stored status the rules can't
reach), and a customer that has been in arrears for a given time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from app import clock
from app.models import Customer, CustomerAccount, Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.services.funds import credit
from tests.factories import make_customer, make_resource
from tests.funds.helpers import platform


async def put_in_arrears(session: Any, customer: Customer, days: float = 0) -> None:
    """Charge `customer` into arrears, as if that had happened `days` ago."""
    await credit.charge(platform(session), customer, Decimal("10.00"), reference="test:arrears")
    await session.execute(
        update(CustomerAccount)
        .where(CustomerAccount.customer_id == customer.id)
        .values(arrears_since=clock.now() - timedelta(days=days))
    )


@dataclass
class EveryStatus:
    """One resource of each status (and on-demand ones in grace and frozen)."""

    active: Resource
    grace_period: Resource
    expired: Resource
    deleted: Resource
    on_demand_active: Resource
    on_demand_grace: Resource
    frozen: Resource

    def by_status(self) -> dict[str, list[Resource]]:
        return {
            "ACTIVE": [self.active, self.on_demand_active],
            "GRACE_PERIOD": [self.grace_period, self.on_demand_grace],
            "EXPIRED": [self.expired],
            "DELETED": [self.deleted],
            "FROZEN": [self.frozen],
        }


async def every_status(session: Any, partner: Any, **fields: Any) -> EveryStatus:
    """Stored statuses are ACTIVE (what a job that has not run yet leaves) unless DELETED;
    the rules make the rest of them. Later ones are created earlier (`created_at`)."""
    now = clock.now()
    clean = await make_customer(session, partner)
    owing_briefly = await make_customer(session, partner)
    owing_long = await make_customer(session, partner)
    await put_in_arrears(session, owing_briefly, days=1)
    await put_in_arrears(session, owing_long, days=16)

    async def make(customer: Customer, n: int, **values: Any) -> Resource:
        return await make_resource(
            session, customer, created_at=now - timedelta(hours=n), **values, **fields
        )

    on_demand = {"billing_mode": BillingMode.ON_DEMAND, "expires_at": None}
    return EveryStatus(
        active=await make(clean, 1, expires_at=now + timedelta(days=3)),
        grace_period=await make(clean, 2, expires_at=now - timedelta(days=1)),
        expired=await make(clean, 3, expires_at=now - timedelta(days=15)),
        deleted=await make(clean, 4, status=ResourceStatus.DELETED),
        on_demand_active=await make(clean, 5, **on_demand),
        on_demand_grace=await make(owing_briefly, 6, **on_demand),
        frozen=await make(owing_long, 7, **on_demand),
    )
