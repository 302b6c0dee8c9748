"""`CASES` entries of the pickup voucher mutations (see `mutation_cases`)."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.demo.catalog import seed_catalog
from tests.core.mutation_cases import case, gid
from tests.factories import global_id, iso, make_customer, make_partner, platform_token
from tests.orders.helpers import product_id


@case("createPickupVouchers")
async def _create_pickup_vouchers(session, client):
    await seed_catalog(session)
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    return await platform_token(session), {
        "partnerId": gid("Partner", partner),
        "customerIds": [gid("Customer", customer)],
        "productId": global_id(
            "Product", await product_id(session, "ecs.s6-large-2.cn-north-4.ym")
        ),
        "period": {"unit": "MONTH", "count": 1},
        "validTo": iso(clock.now() + timedelta(days=30)),
        "idempotencyKey": "audit-vouchers",
    }
