"""Benchmark data: one partner, 5,000 customers with accounts and account managers, ~40,000
on-demand resources, >= 2,000,000 consumption details over the 12 cycles that end in the
clock's current cycle, with their rollups, and a coupon quota with a few coupons.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/pc_bench \\
        .venv/bin/python -m bench.generate [--details 2000000] [--customers 5000]

The details are generated directly (not through ingest and rating, which would take hours at
this size), and the rollups are computed from exactly those rows, so `consumption verify`'s
details-against-rollups check holds for them (there are no daily charges: the benchmark
measures reads). The last cycle is the clock's current one (only its days up to today), so
the console's "current cycle" (query A's amount due) reads data. Accounts, managers and
coupons: `bench/accounts.py`.

On PostgreSQL the rows go in with COPY (about a minute for 2,000,000 details); on SQLite
(tiny data sets, for the tests) with plain inserts.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app import clock
from app.db import create_engine
from app.demo.catalog import seed_catalog
from app.migrate import upgrade
from app.models import (
    AccountAssociation,
    CloudAccount,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    Customer,
    OpenAssociation,
    Partner,
    PartnerUser,
    Product,
    Resource,
)
from app.models.customers.enums import AssociationType, BillingMode, CustomerStatus
from app.models.partners.enums import CertificationStatus, ContractingEntity, Role
from app.services.consumption.calendar import current_cycle, parse_cycle, today
from app.settings import get_settings
from bench.accounts import (
    make_account,
    manager_of,
    resource_status,
    write_accounts,
    write_coupons,
    write_managers,
)
from bench.bulk import copy_rows, insert_returning

REMITTANCE = "BENCH-0001"  # how the benchmark partner is found again
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


@dataclass(frozen=True)
class Scale:
    """How much to generate (the defaults are issue 17's data set)."""

    details: int = 2_000_000
    customers: int = 5000
    resources: int = 40000
    cycles: int = 12


def cycles_ending(last: str, count: int) -> list[str]:
    """The `count` cycles up to and including `last`, oldest first."""
    year, month = parse_cycle(last)
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def days_of(cycle: str, until: date) -> list[date]:
    """The cycle's days, none after `until` (the current cycle is still running)."""
    year, month = parse_cycle(cycle)
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return [
        first + timedelta(days=i)
        for i in range((nxt - first).days)
        if first + timedelta(i) <= until
    ]


async def _people(conn: AsyncConnection, scale: Scale, now: datetime) -> dict[str, Any]:
    """The partner, its users and managers, cloud accounts, customers and their accounts."""
    (partner_id,) = await insert_returning(
        conn,
        Partner.__table__,
        [
            {
                "name": "Benchmark Partner",
                "certified_company_name": "Benchmark Partner Co., Ltd.",
                "certification_status": CertificationStatus.CERTIFIED,
                "certification_expires_at": now + timedelta(days=365),
                "contracting_entity": ContractingEntity.OTHER,
                "remittance_account_number": REMITTANCE,
                "sales_see_all_customers": True,
                "created_at": now,
            }
        ],
    )
    user_ids = await insert_returning(
        conn,
        PartnerUser.__table__,
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
    managers = await write_managers(conn, partner_id, max(1, scale.customers // 250), now)
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
        for i in range(scale.customers)
    ]
    cloud_ids = await insert_returning(conn, CloudAccount.__table__, accounts)
    customer_ids = await insert_returning(
        conn,
        Customer.__table__,
        [
            {
                "partner_id": partner_id,
                "cloud_account_id": aid,
                "name": accounts[i]["company_name"],
                "account_name": accounts[i]["account_name"],
                "association_type": AssociationType.RESELLER,
                "status": CustomerStatus.ACTIVE,
                "associated_at": now - timedelta(days=400),
                "account_manager_id": manager_of(i, managers),
                "labels": [],
                "remark": "",
                "created_at": now,
            }
            for i, aid in enumerate(cloud_ids)
        ],
    )
    # the platform-side rows the ORM writes with a customer (a Core insert bypasses it)
    pairs = list(zip(cloud_ids, customer_ids, strict=True))
    await copy_rows(
        conn,
        OpenAssociation.__table__,
        ["cloud_account_id", "partner_id", "customer_id"],
        [(aid, partner_id, cid) for aid, cid in pairs],
    )
    await copy_rows(
        conn,
        AccountAssociation.__table__,
        ["partner_id", "customer_id", "cloud_account_id"],
        [(partner_id, cid, aid) for aid, cid in pairs],
    )
    rng = random.Random(17)
    balances = [make_account(rng, now) for _ in customer_ids]
    await write_accounts(conn, partner_id, customer_ids, balances, now)
    admin = user_ids[list(Role).index(Role.ADMIN)]
    coupons = await write_coupons(conn, partner_id, customer_ids, admin, now)
    return {
        "partner_id": partner_id,
        "customer_ids": customer_ids,
        "balances": balances,
        "managers": len(managers),
        "coupons": coupons,
    }


async def _resources(
    conn: AsyncConnection, people: dict[str, Any], products: list[Any], scale: Scale, now: datetime
) -> tuple[list[int], list[Any]]:
    """The resources (ids) and the product each runs as."""
    customer_ids, balances = people["customer_ids"], people["balances"]
    rows = []
    for i in range(scale.resources):
        owner = i % len(customer_ids)
        # every product in turn, shifted once per lap over the customers: a customer's
        # resources are of several kinds, whatever the two counts
        product = products[(i + i // len(customer_ids)) % len(products)]
        status = resource_status(balances[owner], now)
        rows.append(
            {
                "partner_id": people["partner_id"],
                "customer_id": customer_ids[owner],
                "name": f"res-{i:06d}",
                "service_type": product.service_type,
                "region": product.region,
                "spec": product.spec,
                "billing_mode": BillingMode.ON_DEMAND,
                "status": status,
                "created_at": now - timedelta(days=400) + timedelta(minutes=i),
                "product_id": product.id,
                "auto_renew": False,
                "is_reserved_instance": False,
                "is_support_plan": False,
                "arrears_grace_started_at": (
                    balances[owner].arrears_since if balances[owner].in_arrears else None
                ),
            }
        )
    ids = await insert_returning(conn, Resource.__table__, rows)
    by_id = {p.id: p for p in products}
    return ids, [by_id[row["product_id"]] for row in rows]


async def _consumption(
    conn: AsyncConnection,
    people: dict[str, Any],
    resource_ids: list[int],
    resource_products: list[Any],
    scale: Scale,
    now: datetime,
    started: float,
) -> int:
    """The details, cycle by cycle, and the two rollups computed from exactly those rows."""
    rng = random.Random(2026)
    partner_id, customer_ids = people["partner_id"], people["customer_ids"]
    cycles = cycles_ending(current_cycle(), scale.cycles)
    until = today()
    per_cycle = scale.details // len(cycles) + 1
    rollup: dict[tuple, list[int]] = defaultdict(lambda: [0] * 8)
    day_rollup: dict[tuple, list[int]] = defaultdict(lambda: [0] * 8)
    written = 0
    for cycle in cycles:
        days = days_of(cycle, until)
        rows: list[tuple[Any, ...]] = []
        for _ in range(per_cycle):
            r = rng.randrange(len(resource_ids))
            product = resource_products[r]
            day = days[rng.randrange(len(days))]
            usage = rng.randrange(1, 24 * SCALE8)
            price = int(product.unit_price * SCALE8)
            amount = (usage * price + SCALE8 // 2) // SCALE8
            cash = amount if rng.random() < 0.8 else amount // 2
            credit = amount - cash
            service = product.service_type.value
            customer = customer_ids[r % len(customer_ids)]
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
            key = (partner_id, cycle, customer, service, product.region, "ON_DEMAND", product.unit)
            day_key = (partner_id, cycle, day, service, product.region, product.unit)
            acc, dacc = rollup[key], day_rollup[day_key]
            for j, v in enumerate(values):
                acc[j] += v
                dacc[j] += v
        await copy_rows(conn, ConsumptionDetail.__table__, DETAIL_COLUMNS, rows)
        written += len(rows)
        print(f"{cycle}: {written} details, {time.perf_counter() - started:.1f}s", flush=True)
    await copy_rows(
        conn,
        ConsumptionRollup.__table__,
        [
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
        [(*k, *v) for k, v in rollup.items()],
    )
    await copy_rows(
        conn,
        ConsumptionDayRollup.__table__,
        ["partner_id", "bill_cycle", "day", "service_type", "region", "unit", "lines", *SUMS],
        [(*k, *v) for k, v in day_rollup.items()],
    )
    return written


async def _skip_reference_checks(conn: AsyncConnection) -> None:
    """On PostgreSQL, as a superuser: no foreign-key checks for this transaction's rows.

    Every detail references its partner, customer, resource and product, and checking them
    row by row (a trigger each) took most of the load; the generator writes the rows those
    keys name in the same transaction, and the test checks what it writes. Without the right
    (not a superuser) the checks simply run."""
    if conn.dialect.name != "postgresql":
        return
    superuser = await conn.scalar(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    )
    if superuser:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))


async def generate(url: str, scale: Scale) -> int | None:
    """Write the data set to the (migrated) database at `url`; the partner's id, or None if
    the benchmark partner is there already (drop the database to regenerate)."""
    engine = create_engine(url, get_settings())
    started = time.perf_counter()
    now = clock.now()
    try:
        async with engine.begin() as conn:
            await _skip_reference_checks(conn)
            existing = await conn.scalar(
                select(Partner.id).where(Partner.remittance_account_number == REMITTANCE)
            )
            if existing is not None:
                print(f"benchmark partner {existing} exists; drop the database to regenerate")
                return None
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
                    )
                    .where(
                        Product.billing_mode == BillingMode.ON_DEMAND,
                        Product.unit != "Mbps-month",
                    )
                    .order_by(Product.id)
                )
            ).all()
            people = await _people(conn, scale, now)
            resource_ids, resource_products = await _resources(
                conn, people, list(products), scale, now
            )
            print(
                f"partner {people['partner_id']}: {scale.customers} customers with accounts, "
                f"{people['managers']} account managers, {people['coupons']} coupons, "
                f"{len(resource_ids)} resources: {time.perf_counter() - started:.1f}s",
                flush=True,
            )
            written = await _consumption(
                conn, people, resource_ids, resource_products, scale, now, started
            )
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
                # every table: customers, resources and accounts were bulk-loaded too, and
                # without statistics the planner reads all 5,000 customers to sort the
                # console's first page
                await autocommit.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    partner_id = people["partner_id"]
    print(f"done: {written} details in {time.perf_counter() - started:.1f}s (partner {partner_id})")
    return int(partner_id)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    defaults = Scale()
    parser.add_argument("--details", type=int, default=defaults.details)
    parser.add_argument("--customers", type=int, default=defaults.customers)
    parser.add_argument("--resources", type=int, default=defaults.resources)
    parser.add_argument("--cycles", type=int, default=defaults.cycles)
    arguments = parser.parse_args(argv)
    scale = Scale(arguments.details, arguments.customers, arguments.resources, arguments.cycles)
    url = get_settings().database_url
    upgrade(url)
    asyncio.run(generate(url, scale))


if __name__ == "__main__":
    main()
