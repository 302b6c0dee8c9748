"""Helpers shared by the 95th-percentile tests."""

from __future__ import annotations

from datetime import date, timedelta

from app.models.customers.enums import ServiceType
from tests.consumption.helpers import at, make_product, on_demand_resource

MAY_1 = date(2026, 5, 1)


FIVE_MINUTES = timedelta(minutes=5)


async def bandwidth(session, w):
    product = await make_product(
        session, ServiceType.BANDWIDTH, unit="Mbps-month", unit_price="75.00000000"
    )
    return await on_demand_resource(session, w.customer, product)


def samples(resource, day, values):
    start = at(day)
    return [
        {
            "sourceId": f"bw-{resource.id}-{day}-{i}",
            "resourceId": resource.id,
            "kind": "BANDWIDTH_SAMPLE",
            "sampledAt": (start + i * FIVE_MINUTES).isoformat(),
            "mbps": str(value),
        }
        for i, value in enumerate(values)
    ]
