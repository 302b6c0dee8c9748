"""Benchmark the consumption reads through HTTP and their SQL alone (the floor).

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/pc_bench \\
        .venv/bin/python -m bench.run [--repeat 20] [--port 8765]

Starts `uvicorn app.main:app` (one worker) on the benchmark database, creates a VIEWER token,
and measures (median of --repeat runs, after a warm-up):

0. the smallest authenticated query (`{ viewer { kind } }`): what any request costs;
1. consumptionSummary grouped by CYCLE x SERVICE_TYPE over 12 cycles (rollups only);
2. consumptionDetails, a page of 100: the first, and the one after the 100,000th row;
3. the CSV, NDJSON and Parquet exports of every detail: rows/s and the server's RSS growth.

The server runs with a throttle restore rate high enough that the repeated queries are not
throttled (the benchmark measures work, not the cost budget).

The SQL floor runs the equivalent statement on asyncpg directly (same plan, no ORM, no HTTP).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

import asyncpg
import httpx

from app.services.consumption.queries import DetailOrderField, detail_ordering
from app.services.core.pagination import Direction, encode_cursor

SUMMARY = """
query ($filter: ConsumptionFilter) {
  consumptionSummary(groupBy: [CYCLE, SERVICE_TYPE], filter: $filter) {
    cycleStatus asOf
    rows { cycle serviceType lines usage unit
           amounts { listAmount { amount } cashPaid { amount } creditPaid { amount }
                     amountDue { amount } } }
  }
}
"""
DETAILS = """
query ($filter: ConsumptionFilter, $after: String) {
  consumptionDetails(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id billCycle day kind serviceType region billingMode usage unit unitPrice
            amounts { listAmount { amount } cashPaid { amount } creditPaid { amount }
                     amountDue { amount } } }
  }
}
"""
SMALLEST = "{ viewer { kind } }"  # the framework's floor: auth, GraphQL, one token lookup
SQL_SUMMARY = """
SELECT bill_cycle, service_type, sum(lines), sum(usage), sum(list_amount), sum(discount),
       sum(coupon), sum(cash_paid), sum(credit_paid), sum(amount_due), min(unit), max(unit)
FROM consumption_rollups WHERE partner_id = $1 AND bill_cycle = ANY($2::text[])
GROUP BY bill_cycle, service_type ORDER BY bill_cycle, service_type
"""
SQL_DETAILS = """
SELECT * FROM consumption_details
WHERE partner_id = $1 AND bill_cycle = ANY($2::text[]) AND id > $3
ORDER BY id LIMIT 101
"""


def pg_dsn() -> str:
    return os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")


async def timed(work: Any, repeat: int) -> float:
    await work()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


class RssSampler:
    """The peak RSS of a process, sampled every 50 ms from a thread while a block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss_kb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_kb(self.pid))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kb(self.pid))


async def measure_export(
    client: httpx.AsyncClient, pid: int, fmt: str, total: int, warm_after: int, cycles: list[str]
) -> tuple[int, float, int, int]:
    """Download every detail in `fmt`: (rows, seconds, RSS before, peak RSS) of the server.

    A small export of the same format (the last 1,000 rows) runs first, so what is set up
    once per process (importing pyarrow, its compute kernels and allocator arenas) is not
    counted as this export's growth. The client only counts bytes and lines (it must not be the
    bottleneck); the Parquet file's row count comes from its footer.
    """
    path = f"/exports/consumption-details.{fmt}"
    params = {"cycleFrom": cycles[0], "cycleTo": cycles[-1]}
    warm = await client.get(path, params={**params, "after": str(warm_after)})
    assert warm.status_code == 200, warm.text
    before = rss_kb(pid)
    lines = 0
    with tempfile.TemporaryFile() as sink, RssSampler(pid) as sampler:
        start = time.perf_counter()
        async with client.stream(
            "GET", path, params=params, headers={"Accept-Encoding": "identity"}
        ) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_raw():
                lines += chunk.count(b"\n")
                if fmt == "parquet":
                    sink.write(chunk)
        elapsed = time.perf_counter() - start
        if fmt == "parquet":
            import pyarrow.parquet as pq

            sink.seek(0)
            rows = pq.ParquetFile(sink).metadata.num_rows
        else:
            rows = lines - (1 if fmt == "csv" else 0)
    assert rows == total, (fmt, rows, total)
    return rows, elapsed, before, sampler.peak


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


async def main(repeat: int, port: int, formats: list[str]) -> None:
    db = await asyncpg.connect(pg_dsn())
    partner_id = await db.fetchval(
        "SELECT id FROM partners WHERE remittance_account_number = 'BENCH-0001'"
    )
    cycles = [  # the data's cycles (bench/generate.py ends them in the clock's current one)
        row["bill_cycle"]
        for row in await db.fetch(
            "SELECT DISTINCT bill_cycle FROM consumption_rollups WHERE partner_id = $1 ORDER BY 1",
            partner_id,
        )
    ]
    total = await db.fetchval(
        "SELECT count(*) FROM consumption_details WHERE partner_id = $1", partner_id
    )
    after_id = await db.fetchval(
        "SELECT id FROM consumption_details WHERE partner_id = $1 AND bill_cycle = ANY($2::text[]) "
        "ORDER BY id OFFSET $3 LIMIT 1",
        partner_id,
        cycles,
        min(99_999, total // 2),  # row 100,000, or the middle of a small data set
    )
    warm_after = await db.fetchval(
        "SELECT id FROM consumption_details WHERE partner_id = $1 ORDER BY id DESC "
        "OFFSET 1000 LIMIT 1",
        partner_id,
    )
    token = (
        subprocess.run(  # noqa: ASYNC221 (a benchmark driver, before the measurements)
            [
                sys.executable,
                "-m",
                "app",
                "create-token",
                "--partner-id",
                str(partner_id),
                "--role",
                "VIEWER",
                "--label",
                "bench",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen(  # noqa: ASYNC220
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "THROTTLE_RESTORE_RATE": "1000000000"},
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client:
            for _ in range(600):  # a loaded shared machine takes over 10 s to start it
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            print(f"server RSS after start: {rss_kb(server.pid) / 1024:.0f} MB")
            variables = {"filter": {"cycleFrom": cycles[0], "cycleTo": cycles[-1]}}

            server_ms: dict[str, list[float]] = {
                "smallest": [],
                "summary": [],
                "first page": [],
                "deep page": [],
            }

            def record(name: str, response: httpx.Response) -> Any:
                """The body; the server's own time (its Server-Timing header) goes to `name`."""
                server_ms[name].append(float(response.headers["server-timing"].split("dur=")[1]))
                return response.json()

            async def summary_http() -> None:
                body = record(
                    "summary",
                    await client.post("/graphql", json={"query": SUMMARY, "variables": variables}),
                )
                assert "errors" not in body, body

            async def summary_sql() -> None:
                await db.fetch(SQL_SUMMARY, partner_id, cycles)

            cursor = encode_cursor(
                detail_ordering(DetailOrderField.ID, Direction.ASC), after_id, after_id
            )

            def details_http(after: str | None) -> Any:
                name = "first page" if after is None else "deep page"

                async def run() -> None:
                    body = record(
                        name,
                        await client.post(
                            "/graphql",
                            json={"query": DETAILS, "variables": {**variables, "after": after}},
                        ),
                    )
                    assert "errors" not in body, body
                    assert len(body["data"]["consumptionDetails"]["nodes"]) == 100

                return run

            def details_sql(after: int) -> Any:
                async def run() -> None:
                    await db.fetch(SQL_DETAILS, partner_id, cycles, after)

                return run

            async def smallest_http() -> None:
                body = record("smallest", await client.post("/graphql", json={"query": SMALLEST}))
                assert "errors" not in body, body

            results = {
                "summary http": await timed(summary_http, repeat),
                "summary sql": await timed(summary_sql, repeat),
                "first page http": await timed(details_http(None), repeat),
                "first page sql": await timed(details_sql(0), repeat),
                "deep page http": await timed(details_http(cursor), repeat),
                "deep page sql": await timed(details_sql(after_id), repeat),
                "smallest http": await timed(smallest_http, repeat),
            }
            print(f"details: {total}")
            print(
                f"smallest    http {results['smallest http']:8.2f} ms   (server's own time "
                f"{statistics.median(server_ms['smallest']):.2f} ms): what any request costs"
            )
            for name in ("summary", "first page", "deep page"):
                http, sql = results[f"{name} http"], results[f"{name} sql"]
                server_time = statistics.median(server_ms[name])
                print(
                    f"{name:<11} http {http:8.2f} ms   sql {sql:8.2f} ms   ratio {http / sql:6.1f}x"
                    f"   (server's own time {server_time:.2f} ms, {server_time / sql:.1f}x)"
                )
            deep_over_first = results["deep page http"] / results["first page http"]
            print(f"deep page / first page (http): {deep_over_first:.2f}", flush=True)
            for fmt in formats:
                rows, elapsed, before, peak = await measure_export(
                    client, server.pid, fmt, total, warm_after, cycles
                )
                print(
                    f"export {fmt:<8} {rows} rows in {elapsed:.1f}s = {rows / elapsed:,.0f} "
                    f"rows/s; server RSS {before / 1024:.0f} MB -> peak {peak / 1024:.0f} MB "
                    f"(+{(peak - before) / 1024:.0f} MB)",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait()
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--exports",
        default="csv,ndjson,parquet",
        help="comma-separated export formats to measure ('' for none)",
    )
    arguments = parser.parse_args()
    formats = [f for f in arguments.exports.split(",") if f]
    asyncio.run(main(arguments.repeat, arguments.port, formats))
