"""The side-by-side benchmark's pure parts (`bench/compare.py` runs servers; these don't): the
normalizer that says whether the product and PostGraphile returned the same data, the table
and target checks, the per-worker split, percentiles, and the statement counter on the wire
(that one against the suite's PostgreSQL)."""

from __future__ import annotations

import copy
import os
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from app.globalid import to_global_id
from bench.measure import percentile, worker_split
from bench.normalize import differences
from bench.report import (
    DASH,
    FLOOR,
    PGL,
    PRODUCT,
    TIMES,
    Sample,
    Statements,
    format_table,
    targets,
)
from bench.servers import libpq_url, with_port
from bench.wire import CountingProxy, first_word


def money(amount: str) -> dict[str, str]:
    return {"amount": amount}


def product_a() -> dict[str, Any]:
    """Query A's answer from the product: one customer in arrears with a manager, resources
    and consumption; one without a manager, resources or consumption."""
    return {
        "customers": {
            "nodes": [
                {
                    "id": to_global_id("Customer", 7),
                    "name": "Acme",
                    "accountName": "acme",
                    "associationType": "RESELLER",
                    "status": "ACTIVE",
                    "account": {
                        "balance": money("-1200.50"),
                        "available": money("-200.50"),
                        "arrears": money("200.50"),
                    },
                    "accountManager": {"name": "Li", "email": "li@example.com"},
                    "resources": {
                        "nodes": [
                            {
                                "id": to_global_id("Resource", 31),
                                "serviceType": "ECS",
                                "status": "GRACE_PERIOD",
                                "expiresAt": "2026-12-31T16:00:00Z",
                            }
                        ]
                    },
                    "consumption": {"amounts": {"amountDue": money("15.72867407")}},
                },
                {
                    "id": to_global_id("Customer", 8),
                    "name": "Bolt",
                    "accountName": "bolt",
                    "associationType": "REFERRAL",
                    "status": "ACTIVE",
                    "account": {
                        "balance": money("30.00"),
                        "available": money("30.00"),
                        "arrears": money("0.00"),
                    },
                    "accountManager": None,
                    "resources": {"nodes": []},
                    "consumption": {"amounts": {"amountDue": money("0.00000000")}},
                },
            ]
        }
    }


def pgl_a() -> dict[str, Any]:
    """The same data as PostGraphile answers it: raw ids, integers of minor units as strings,
    a null sum where there are no rollups."""
    return {
        "customers": {
            "nodes": [
                {
                    "id": "7",
                    "name": "Acme",
                    "accountName": "acme",
                    "associationType": "RESELLER",
                    "status": "ACTIVE",
                    "customerAccount": {"balance": "-120050", "creditLimit": "100000"},
                    "accountManager": {"name": "Li", "email": "li@example.com"},
                    "resources": {
                        "nodes": [
                            {
                                "id": "31",
                                "serviceType": "ECS",
                                "status": "GRACE_PERIOD",
                                "expiresAt": "2027-01-01T00:00:00+08:00",
                            }
                        ]
                    },
                    "consumptionRollups": {"aggregates": {"sum": {"amountDue": "1572867407"}}},
                },
                {
                    "id": "8",
                    "name": "Bolt",
                    "accountName": "bolt",
                    "associationType": "REFERRAL",
                    "status": "ACTIVE",
                    "customerAccount": {"balance": "3000", "creditLimit": "0"},
                    "accountManager": None,
                    "resources": {"nodes": []},
                    "consumptionRollups": {"aggregates": {"sum": {"amountDue": None}}},
                },
            ]
        }
    }


def test_the_same_customers_in_both_shapes_are_the_same_data() -> None:
    assert differences("A", product_a(), pgl_a()) == []


def test_a_different_balance_is_found_and_named() -> None:
    # given PostGraphile reading one cent more
    pgl = pgl_a()
    pgl["customers"]["nodes"][0]["customerAccount"]["balance"] = "-120049"
    # then both the balance and what the product derives from it differ
    found = differences("A", product_a(), pgl)
    assert [line.split(":")[0] for line in found] == [
        "A[0].account.arrears",
        "A[0].account.available",
        "A[0].account.balance",
    ]


def test_a_missing_resource_or_another_order_is_a_difference() -> None:
    pgl = pgl_a()
    pgl["customers"]["nodes"][0]["resources"]["nodes"] = []
    assert differences("A", product_a(), pgl) != []
    reordered = pgl_a()
    reordered["customers"]["nodes"].reverse()
    assert differences("A", product_a(), reordered) != []


def test_the_summary_merges_postgraphiles_unit_groups_per_cycle_and_service() -> None:
    product = {
        "consumptionSummary": {
            "rows": [
                {
                    "cycle": "2026-12",
                    "serviceType": "ECS",
                    "lines": 3,
                    "usage": "3.50000000",
                    "unit": None,
                    "amounts": {
                        "listAmount": money("2.00000000"),
                        "cashPaid": money("1.50000000"),
                        "creditPaid": money("0.50000000"),
                        "amountDue": money("2.00000000"),
                    },
                }
            ]
        }
    }
    sums = {"listAmount": "100000000", "cashPaid": "75000000", "creditPaid": "25000000"}
    pgl = {
        "consumptionRollups": {
            "groupedAggregates": [
                {
                    "keys": ["2026-12", "ECS", unit],
                    "sum": {"lines": lines, "usage": usage, **sums, "amountDue": "100000000"},
                }
                for unit, lines, usage in (("hour", "2", "300000000"), ("GB", "1", "50000000"))
            ]
        }
    }
    assert differences("B", product, pgl) == []
    pgl["consumptionRollups"]["groupedAggregates"].pop()
    assert differences("B", product, pgl) != []


def test_a_details_page_compares_ids_amounts_and_whether_another_page_follows() -> None:
    node = {
        "billCycle": "2026-12",
        "day": "2026-12-01",
        "kind": "USAGE",
        "serviceType": "OBS",
        "region": "cn-north-4",
        "billingMode": "ON_DEMAND",
        "unit": "GB-hour",
    }
    product = {
        "consumptionDetails": {
            "pageInfo": {"hasNextPage": True, "endCursor": "x"},
            "nodes": [
                {
                    "id": to_global_id("ConsumptionDetail", 100001),
                    **node,
                    "usage": "12.00000000",
                    "unitPrice": "0.00013750",
                    "amounts": {
                        "listAmount": money("0.00165000"),
                        "cashPaid": money("0.00165000"),
                        "creditPaid": money("0E-8"),
                        "amountDue": money("0.00165000"),
                    },
                }
            ],
        }
    }
    pgl = {
        "consumptionDetails": {
            "pageInfo": {"hasNextPage": True, "endCursor": "y"},
            "nodes": [
                {
                    "id": "100001",
                    **node,
                    "usage": "1200000000",
                    "unitPrice": "13750",
                    "listAmount": "165000",
                    "cashPaid": "165000",
                    "creditPaid": "0",
                    "amountDue": "165000",
                }
            ],
        }
    }
    assert differences("C", product, pgl) == []
    last_page = copy.deepcopy(pgl)
    last_page["consumptionDetails"]["pageInfo"]["hasNextPage"] = False
    assert differences("C", product, last_page) == [
        "C.hasNextPage: product True, PostGraphile False"
    ]


def test_the_smallest_queries_are_not_compared() -> None:
    assert differences("D", {"viewer": {"kind": "PARTNER_USER"}}, {"partner": {"name": "x"}}) == []


def samples() -> list[Sample]:
    """Two rounds of A: the product 2x PostGraphile's p50 in one, even in the other."""
    made = []
    for round_, (mine, theirs) in enumerate(((10.0, 5.0), (12.0, 12.0)), start=1):
        made += [
            Sample(
                round_,
                "A",
                PRODUCT,
                mine,
                mine * 1.5,
                100.0,
                app_cpu_ms=9.5,
                db_cpu_ms=1.0,
                split=[55.0, 45.0],
                connections=[4, 4],
            ),
            Sample(
                round_,
                "A",
                PGL,
                theirs,
                theirs * 3,
                80.0,
                app_cpu_ms=3.0,
                db_cpu_ms=2.0,
                split=[60.0, 40.0],
                connections=[5, 3],
            ),
            Sample(round_, "A", FLOOR, 1.0, 2.0, 900.0, db_cpu_ms=0.5),
        ]
    return made


STATEMENTS = {
    ("A", PRODUCT): Statements(3, 0),
    ("A", PGL): Statements(1, 0),
    ("A", FLOOR): Statements(1, 0),
}


def test_the_table_gives_ranges_over_rounds_and_ratios_within_them() -> None:
    # when
    table = format_table(samples(), STATEMENTS, ["A"]).splitlines()
    # then a header, its rule and a row per system
    assert len(table) == 5
    product, pgl, floor = (row.split(" | ") for row in table[2:])
    assert product[1:6] == ["product", f"10.0{DASH}12.0", f"15.0{DASH}18.0", "100", "3 (0)"]
    # the p50 ratio of each round (2.00, then 1.00), not 12/5 across rounds; req/s 1.25 twice
    assert product[-2:] == [f"**1.00{DASH}2.00{TIMES}**", f"**1.25{TIMES}** |"]
    assert product[8] == "55/45 % (4/4)"
    assert pgl[1] == "PostGraphile" and pgl[-2:] == ["—", "— |"]
    assert floor[1:3] == ["SQL floor", "1.00"] and floor[6] == "n/a"


def test_the_targets_say_which_hold() -> None:
    checks = targets(samples(), STATEMENTS, a_cost=702, cost_limit=1000)
    assert checks == [
        f"A: p50 ≤ PostGraphile's ✗ (1.00{DASH}2.00{TIMES}); "
        f"req/s ≥ 1.1{TIMES} PostGraphile's ✓ (1.25{TIMES})",
        f"A: p99 ≤ 2{TIMES} the product's p50 ✓ (at worst 1.50{TIMES})",
        "A in ≤ 3 statements ✓ (3 per request)",
        "no BEGIN/COMMIT for read-only requests ✓ (A 0)",
        "each worker serves ≥ 40 % at c=8 ✓ (smallest share 45 %)",
        "the default cost limit admits A with headroom ✓ (costs 702 of 1000)",
    ]


def test_a_worker_that_took_no_connection_shows_as_zero() -> None:
    # given 8 connections (by their client ports), all held by worker 11
    owners = {port: 11 for port in range(40000, 40008)}
    by_port = {str(port): 10 for port in owners}
    # then the split names both workers, the idle one at 0 %
    assert worker_split(by_port, owners, [10, 11, 12], 2) == ([100.0, 0.0], [8, 0])
    # and split evenly they are 50/50
    owners = {port: 11 + port % 2 for port in range(40000, 40008)}
    assert worker_split(by_port, owners, [10, 11, 12], 2) == ([50.0, 50.0], [4, 4])


def test_percentiles_are_nearest_rank() -> None:
    times = [float(i) for i in range(1, 201)]
    assert (percentile(times, 50), percentile(times, 99)) == (100.0, 198.0)
    assert percentile([3.0], 99) == 3.0


def test_transaction_control_is_told_from_statements() -> None:
    assert [first_word(s) for s in ("begin", " COMMIT;", "(SELECT 1)", "")] == [
        "BEGIN",
        "COMMIT",
        "SELECT",
        "",
    ]


def test_a_database_url_is_pointed_at_the_proxy() -> None:
    url = "postgresql+asyncpg://postgres:secret@db.example:5433/pc_bench?ssl=disable"
    assert with_port(libpq_url(url), "127.0.0.1", 40001) == (
        "postgresql://postgres:secret@127.0.0.1:40001/pc_bench?ssl=disable"
    )


async def test_the_proxy_counts_every_statement_a_connection_sends() -> None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the wire protocol is PostgreSQL's")
    parts = urlsplit(libpq_url(url))
    proxy = CountingProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    port = await proxy.start()
    connection = await asyncpg.connect(with_port(libpq_url(url), "127.0.0.1", port))
    try:
        before = proxy.tally.snapshot()
        # when: a transaction of two statements (prepared and executed), then one alone
        async with connection.transaction():
            await connection.fetchval("SELECT $1::int", 1)
            await connection.fetchval("SELECT $1::int + 1", 1)
        await connection.execute("SELECT 1")
        after = proxy.tally.snapshot()
    finally:
        await connection.close()
        await proxy.stop()
    # then BEGIN, two executions, COMMIT and the simple query: 5, of which 2 control
    assert (after[0] - before[0], after[1] - before[1]) == (5, 2)
