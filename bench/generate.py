"""Benchmark data: one partner, 5,000 customers, ~40,000 on-demand resources and >= 2,000,000
consumption details over 12 cycles, with their rollups (PostgreSQL; COPY).

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/pc_bench \\
        .venv/bin/python -m bench.generate [--details 2000000]

The details are generated directly (not through ingest and rating, which would take hours at
this size), and the rollups are computed from exactly those rows, so `consumption verify`
holds for them (there are no daily charges: the benchmark measures reads).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from app.db import create_engine
from app.demo.catalog import seed_catalog
from app.migrate import upgrade
from app.models import CloudAccount, Customer, Partner, PartnerUser, Product, Resource
from app.models.customers.enums import AssociationType, BillingMode, CustomerStatus, ResourceStatus
from app.models.partners.enums import CertificationStatus, ContractingEntity, Role
from app.settings import get_settings

CUSTOMERS = 5000
RESOURCES = 40000
CYCLES = [f"{2025 + (10 + i) // 12:04d}-{(10 + i) % 12 + 1:02d}" for i in range(12)]  # 2025-11..
SCALE8 = 10**8
DETAIL_COLUMNS = [
    "partner_id",
    "bill_cycle",
    "day",
    "kind",
    "customer_id",
    "resource_id",
    "product_id",
    "service_type",
    "region",
    "billing_mode",
    "usage",
    "unit",
    "unit_price",
    "list_amount",
    "discount",
    "coupon",
    "cash_paid",
    "credit_paid",
    "amount_due",
    "created_at",
    "updated_at",
]
SUMS = ["usage", "list_amount", "discount", "coupon", "cash_paid", "credit_paid", "amount_due"]


def days_of(cycle: str) -> list[date]:
    year, month = int(cycle[:4]), int(cycle[5:])
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((nxt - first).days)]


async def main(details: int) -> None:
    settings = get_settings()
    engine = create_engine(settings.database_url, settings)
    rng = random.Random(2026)
    started = time.perf_counter()
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        async with engine.connect() as probe:
            existing = await probe.scalar(
                select(Partner.id).where(Partner.remittance_account_number == "BENCH-0001")
            )
        if existing is not None:
            print(f"benchmark partner {existing} exists; drop the database to regenerate")
            return
        from sqlalchemy.ext.asyncio import AsyncSession

        async with AsyncSession(bind=conn) as session:
            await seed_catalog(session)
            await session.flush()
        products = (
            await conn.execute(
                select(
                    Product.id,
                    Product.service_type,
                    Product.region,
                    Product.spec,
                    Product.unit,
                    Product.unit_price,
                ).where(Product.billing_mode == BillingMode.ON_DEMAND, Product.unit != "Mbps-month")
            )
        ).all()
        partner_id = (
            await conn.execute(
                insert(Partner).returning(Partner.id),
                [
                    {
                        "name": "Benchmark Partner",
                        "certified_company_name": "Benchmark Partner Co., Ltd.",
                        "certification_status": CertificationStatus.CERTIFIED,
                        "certification_expires_at": now + timedelta(days=365),
                        "contracting_entity": ContractingEntity.OTHER,
                        "remittance_account_number": "BENCH-0001",
                        "sales_see_all_customers": True,
                        "created_at": now,
                    }
                ],
            )
        ).scalar_one()
        await conn.execute(
            insert(PartnerUser),
            [
                {
                    "partner_id": partner_id,
                    "name": role.value,
                    "email": f"{role.value}@bench.test",
                    "role": role,
                    "created_at": now,
                }
                for role in Role
            ],
        )
        accounts = [
            {
                "account_name": f"bench_{i:06d}",
                "company_name": f"Bench Customer {i} Co., Ltd.",
                "normalized_company_name": f"bench customer {i}",
                "contact_name": "张三",
                "contact_phone": "13800000000",
                "contact_email": f"c{i}@bench.test",
                "industry": "互联网",
                "region": "cn-north-4",
                "created_at": now,
            }
            for i in range(CUSTOMERS)
        ]
        account_ids = (
            (await conn.execute(insert(CloudAccount).returning(CloudAccount.id), accounts))
            .scalars()
            .all()
        )
        customer_ids = (
            (
                await conn.execute(
                    insert(Customer).returning(Customer.id),
                    [
                        {
                            "partner_id": partner_id,
                            "cloud_account_id": aid,
                            "name": accounts[i]["company_name"],
                            "account_name": accounts[i]["account_name"],
                            "association_type": AssociationType.RESELLER,
                            "status": CustomerStatus.ACTIVE,
                            "associated_at": now - timedelta(days=400),
                            "labels": [],
                            "remark": "",
                            "created_at": now,
                        }
                        for i, aid in enumerate(account_ids)
                    ],
                )
            )
            .scalars()
            .all()
        )
        resource_rows = []
        for i in range(RESOURCES):
            product = products[i % len(products)]
            resource_rows.append(
                {
                    "partner_id": partner_id,
                    "customer_id": customer_ids[i % CUSTOMERS],
                    "name": f"res-{i:06d}",
                    "service_type": product.service_type,
                    "region": product.region,
                    "spec": product.spec,
                    "billing_mode": BillingMode.ON_DEMAND,
                    "status": ResourceStatus.ACTIVE,
                    "created_at": now - timedelta(days=400),
                    "product_id": product.id,
                    "auto_renew": False,
                    "is_reserved_instance": False,
                    "is_support_plan": False,
                }
            )
        resource_ids = (
            (await conn.execute(insert(Resource).returning(Resource.id), resource_rows))
            .scalars()
            .all()
        )
        print(f"partner {partner_id}, customers, resources: {time.perf_counter() - started:.1f}s")

        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        per_cycle = details // len(CYCLES) + 1
        rollup: dict[tuple, list[int]] = defaultdict(lambda: [0] * 8)
        day_rollup: dict[tuple, list[int]] = defaultdict(lambda: [0] * 8)
        written = 0
        for cycle in CYCLES:
            days = days_of(cycle)
            rows: list[tuple[Any, ...]] = []
            for _ in range(per_cycle):
                r = rng.randrange(RESOURCES)
                product = products[r % len(products)]
                day = days[rng.randrange(len(days))]
                usage = rng.randrange(1, 24 * SCALE8)
                price = int(product.unit_price * SCALE8)
                amount = (usage * price + SCALE8 // 2) // SCALE8
                cash = amount if rng.random() < 0.8 else amount // 2
                credit = amount - cash
                service = product.service_type.value
                customer = customer_ids[r % CUSTOMERS]
                rows.append(
                    (
                        partner_id,
                        cycle,
                        day,
                        "USAGE",
                        customer,
                        resource_ids[r],
                        product.id,
                        service,
                        product.region,
                        "ON_DEMAND",
                        usage,
                        product.unit,
                        price,
                        amount,
                        0,
                        0,
                        cash,
                        credit,
                        amount,
                        now,
                        now,
                    )
                )
                values = (1, usage, amount, 0, 0, cash, credit, amount)
                key = (
                    partner_id,
                    cycle,
                    customer,
                    service,
                    product.region,
                    "ON_DEMAND",
                    product.unit,
                )
                day_key = (partner_id, cycle, day, service, product.region, product.unit)
                acc, dacc = rollup[key], day_rollup[day_key]
                for j, v in enumerate(values):
                    acc[j] += v
                    dacc[j] += v
            await driver.copy_records_to_table(
                "consumption_details", records=rows, columns=DETAIL_COLUMNS
            )
            written += len(rows)
            print(f"{cycle}: {written} details, {time.perf_counter() - started:.1f}s")
        await driver.copy_records_to_table(
            "consumption_rollups",
            records=[(*k, *v) for k, v in rollup.items()],
            columns=[
                "partner_id",
                "bill_cycle",
                "customer_id",
                "service_type",
                "region",
                "billing_mode",
                "unit",
                "lines",
                *SUMS,
            ],
        )
        await driver.copy_records_to_table(
            "consumption_day_rollups",
            records=[(*k, *v) for k, v in day_rollup.items()],
            columns=[
                "partner_id",
                "bill_cycle",
                "day",
                "service_type",
                "region",
                "unit",
                "lines",
                *SUMS,
            ],
        )
    async with engine.connect() as conn:
        await conn.execute(text("COMMIT"))
        # every table: customers, resources and accounts were bulk-loaded too, and without
        # statistics the planner reads all 5,000 customers to sort the console's first page
        await conn.execute(text("ANALYZE"))
    await engine.dispose()
    print(f"done: {written} details in {time.perf_counter() - started:.1f}s (partner {partner_id})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--details", type=int, default=2_000_000)
    arguments = parser.parse_args()
    upgrade(get_settings().database_url)
    asyncio.run(main(arguments.details))
