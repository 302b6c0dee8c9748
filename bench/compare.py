"""Side by side: the product, PostGraphile 4 and the hand-written SQL floor on one database.

    make bench                                # database, data, PostGraphile, this
    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/pc_bench \\
        .venv/bin/python -m bench.compare [--quick] [--rounds 3] [--no-append]

Issue 17's four queries (`bench/queries/`, README there) on data made by `bench/generate.py`:

1. **Counting phase.** Both servers start with their database connections through a
   counting proxy (`bench/wire.py`); the product and PostGraphile must return the same data
   for A-C (`bench/normalize.py`); then, after a warm-up, the statements each request sends
   are counted on the wire, the floor's too. A's cost is read from the product's answer.
2. **Timing phase.** Both servers start again, directly on the database: the product with
   2 workers (`python -m app serve --workers 2` when the CLI has it, else uvicorn's
   `--workers 2`: the table says which), its throttle bucket raised so repeated queries are
   not throttled (the cost limit stays), PostGraphile with `--cluster-workers 2`. In each
   round, for each query, the three systems in turn (their order rotating from round to
   round and query to query): p50/p99 of sequential requests, then req/s, CPU per request
   and the per-worker split under the load generator (`bench/measure.py`).

The table (`bench/report.py`) is printed and, unless `--quick` (or `--no-append`), appended
to docs/benchmarks.md with the date, the machine's load and cores, and the commands.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from app.services.consumption.calendar import current_cycle
from app.services.consumption.queries import DetailOrderField, detail_ordering
from app.services.core.pagination import Direction, encode_cursor
from app.settings import get_settings
from bench import measure, servers
from bench.generate import REMITTANCE
from bench.http1 import Connection, build_request
from bench.measure import QUICK, Plan
from bench.normalize import differences
from bench.report import FLOOR, PGL, PRODUCT, SYSTEMS, Sample, Statements, format_table, targets
from bench.requests import (
    PAGE_AFTER_ROW,
    QUERIES,
    Data,
    floor,
    pgl_body,
    pgl_cursor_body,
    product_body,
)
from bench.wire import CountingProxy

DOCS = servers.ROOT / "docs" / "benchmarks.md"
COUNTED = 20  # requests per query and system in the counting phase (after a warm-up)
HEALTH = b'{"query": "{ __typename }"}'


async def read_data(db: Any, token: str) -> Data:
    """The variables' sources, from the benchmark database (PostGraphile's cursor later)."""
    partner_id = await db.fetchval(
        "SELECT id FROM partners WHERE remittance_account_number = $1", REMITTANCE
    )
    if partner_id is None:
        raise SystemExit("no benchmark data: run `python -m bench.generate` first")
    cycles = [
        row["bill_cycle"]
        for row in await db.fetch(
            "SELECT DISTINCT bill_cycle FROM consumption_rollups WHERE partner_id = $1 ORDER BY 1",
            partner_id,
        )
    ]
    total = await db.fetchval(
        "SELECT count(*) FROM consumption_details WHERE partner_id = $1", partner_id
    )
    row = min(PAGE_AFTER_ROW, max(1, total // 2))
    after_id = await db.fetchval(
        "SELECT id FROM consumption_details WHERE partner_id = $1 AND bill_cycle = ANY($2) "
        "ORDER BY id OFFSET $3 LIMIT 1",
        partner_id,
        cycles,
        row - 1,
    )
    cycle = current_cycle()
    if cycles[-1] != cycle:
        print(
            f"warning: the data ends in {cycles[-1]}, the clock's cycle is {cycle}: A's amount "
            "due reads an empty cycle (generate the data again)",
            flush=True,
        )
    cursor = encode_cursor(detail_ordering(DetailOrderField.ID, Direction.ASC), after_id, after_id)
    return Data(partner_id, cycles, cycle, row, after_id, cursor, None, token)


def cli(*args: str) -> str:
    """A console command on the benchmark database; its output's last line."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


async def fetch(port: int, body: str, headers: dict[str, str]) -> dict[str, Any]:
    """One request's parsed answer; it must be a 200 without errors."""
    connection = await Connection("127.0.0.1", port).open()
    try:
        answer = await connection.send(
            build_request("127.0.0.1", port, "/graphql", body.encode(), headers)
        )
    finally:
        await connection.close()
    parsed = json.loads(answer.body)
    if answer.status != 200 or "errors" in parsed:
        raise RuntimeError(f"request failed ({answer.status}): {answer.body[:500]!r}")
    return parsed


async def start(server: servers.Server, logs: Path, workers: int) -> None:
    server.start(logs / f"{server.name}.log")
    try:
        await server.ready(HEALTH, workers)
    except Exception:
        server.stop()
        raise


def requests_for(data: Data) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """(query, system) -> (body, headers) for both servers."""
    auth = {"Authorization": f"Bearer {data.token}"}
    found = {}
    for query in QUERIES:
        found[(query, PRODUCT)] = (product_body(query, data), auth)
        found[(query, PGL)] = (pgl_body(query, data), {})
    return found


async def counting_phase(
    url: str, data: Data, plan: Plan, ports: dict[str, int], logs: Path
) -> tuple[Data, dict[tuple[str, str], Statements], dict[str, list[str]], int | None]:
    """Same data, statements per request, A's cost; answers `data` with PostGraphile's cursor."""
    parts = urlsplit(servers.libpq_url(url))
    upstream = (parts.hostname or "127.0.0.1", parts.port or 5432)
    proxies = {system: CountingProxy(*upstream) for system in SYSTEMS}
    for proxy in proxies.values():
        await proxy.start()
    through = {s: servers.with_port(url, "127.0.0.1", p.port) for s, p in proxies.items()}
    product = servers.product(through[PRODUCT], ports[PRODUCT], plan.workers)
    pgl = servers.postgraphile(through[PGL], ports[PGL], plan.workers)
    statements: dict[tuple[str, str], Statements] = {}
    diffs: dict[str, list[str]] = {}
    try:
        await asyncio.gather(start(product, logs, plan.workers), start(pgl, logs, plan.workers))
        found = await fetch(pgl.port, pgl_cursor_body(data.partner_id, data.after_row), {})
        edge = found["data"]["consumptionDetails"]["edges"][0]
        if int(edge["node"]["id"]) != data.after_id:
            raise RuntimeError(f"PostGraphile's row {edge['node']['id']} is not {data.after_id}")
        data = replace(data, pgl_cursor=edge["cursor"])
        bodies = requests_for(data)
        answers: dict[tuple[str, str], Any] = {}
        a_cost = None
        for (query, system), (body, headers) in bodies.items():
            port = product.port if system == PRODUCT else pgl.port
            answer = await fetch(port, body, headers)
            answers[(query, system)] = answer["data"]
            if (query, system) == ("A", PRODUCT):
                a_cost = answer["extensions"]["cost"]["requestedQueryCost"]
        for query in QUERIES:
            diffs[query] = differences(query, answers[(query, PRODUCT)], answers[(query, PGL)])
        for (query, system), (body, headers) in bodies.items():
            server = product if system == PRODUCT else pgl
            request = build_request("127.0.0.1", server.port, "/graphql", body.encode(), headers)
            await measure.sequential_http(server.port, request, replace(plan, requests=5, warmup=0))
            before = proxies[system].tally.snapshot()
            await measure.sequential_http(
                server.port, request, replace(plan, requests=COUNTED, warmup=0)
            )
            after = proxies[system].tally.snapshot()
            statements[(query, system)] = _per_request(before, after, COUNTED)
        db = await asyncpg.connect(servers.libpq_url(through[FLOOR]))
        try:
            for query in QUERIES:
                statement, args = floor(query, data)
                await db.fetch(statement, *args)  # prepared: the floor's own warm-up
                before = proxies[FLOOR].tally.snapshot()
                for _ in range(COUNTED):
                    await db.fetch(statement, *args)
                after = proxies[FLOOR].tally.snapshot()
                statements[(query, FLOOR)] = _per_request(before, after, COUNTED)
        finally:
            await db.close()
    finally:
        product.stop()
        pgl.stop()
        for proxy in proxies.values():
            await proxy.stop()
    return data, statements, diffs, a_cost


def _per_request(before: tuple[int, int], after: tuple[int, int], count: int) -> Statements:
    return Statements((after[0] - before[0]) / count, (after[1] - before[1]) / count)


async def measure_one(
    system: str,
    query: str,
    round_: int,
    *,
    url: str,
    data: Data,
    plan: Plan,
    server: servers.Server | None,
    floor_db: Any,
    monitor: Any,
) -> Sample:
    """One system's p50/p99 and load figures for one query (the floor when `server` is None)."""
    if server is None:
        statement, args = floor(query, data)
        times = await measure.sequential_sql(floor_db, statement, args, plan)
        spec = {"kind": "sql", "dsn": servers.libpq_url(url), "statement": statement, "args": args}
    else:
        body, headers = requests_for(data)[(query, system)]
        request = build_request("127.0.0.1", server.port, "/graphql", body.encode(), headers)
        times = await measure.sequential_http(server.port, request, plan)
        spec = {"kind": "http", "host": "127.0.0.1", "port": server.port, "path": "/graphql"}
        spec.update(body=body, headers=headers)
    loaded = await measure.load(spec, server, plan, monitor)
    return measure.sample(round_, query, system, times, loaded)


async def timing_phase(
    url: str, data: Data, plan: Plan, ports: dict[str, int], logs: Path
) -> tuple[list[Sample], str]:
    """Every round's samples, and how the product was started."""
    product = servers.product(url, ports[PRODUCT], plan.workers)
    pgl = servers.postgraphile(url, ports[PGL], plan.workers)
    running = {PRODUCT: product, PGL: pgl, FLOOR: None}
    samples: list[Sample] = []
    monitor = await asyncpg.connect(servers.libpq_url(url))
    floor_db = await asyncpg.connect(servers.libpq_url(url))
    try:
        await asyncio.gather(start(product, logs, plan.workers), start(pgl, logs, plan.workers))
        for round_ in range(1, plan.rounds + 1):
            for index, query in enumerate(QUERIES):
                # the three in turn, who goes first rotating from query to query and round
                # to round, so no system always follows the same one
                shift = (round_ + index) % len(SYSTEMS)
                for system in SYSTEMS[shift:] + SYSTEMS[:shift]:
                    found = await measure_one(
                        system,
                        query,
                        round_,
                        url=url,
                        data=data,
                        plan=plan,
                        server=running[system],
                        floor_db=floor_db,
                        monitor=monitor,
                    )
                    samples.append(found)
                    split = "/".join(f"{x:.0f}" for x in found.split) or "-"
                    print(
                        f"round {round_} {query} {system:<12} p50 {found.p50:7.2f} ms  "
                        f"p99 {found.p99:7.2f} ms  {found.rps:7.1f} req/s  split {split}",
                        flush=True,
                    )
    finally:
        product.stop()
        pgl.stop()
        await monitor.close()
        await floor_db.close()
    return samples, product.mode


def machine() -> str:
    total_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return (
        f"{os.cpu_count()} cores, {total_kb / 1024 / 1024:.0f} GB RAM, "
        f"{platform.system()} {platform.release()}"
    )


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def section(
    *,
    started: datetime,
    load_before: str,
    load_after: str,
    mode: str,
    plan: Plan,
    sizes: dict[str, int],
    pg_version: str,
    table: str,
    checks: list[str],
    diffs: dict[str, list[str]],
    command: str,
) -> str:
    """The run's section of docs/benchmarks.md (and what is printed)."""
    same = [q for q, found in diffs.items() if q in ("A", "B", "C") and not found]
    differ = {q: found for q, found in diffs.items() if found}
    lines = [
        f"### Run of {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}; load average (1/5/15 min) {load_before} before, "
        f"{load_after} after; PostgreSQL {pg_version}.",
        f"Data: {sizes['customers']:,} customers, {sizes['resources']:,} resources, "
        f"{sizes['details']:,} details. Product: `{mode}`; PostGraphile 4.14.1 "
        f"`--cluster-workers {plan.workers}`. {plan.rounds} round(s); p50/p99 of "
        f"{plan.requests} sequential requests after {plan.warmup}; req/s at c="
        f"{plan.concurrency} for {plan.seconds:g} s.",
        "Same data from the product and PostGraphile: "
        + (", ".join(same) or "none")
        + (f"; DIFFERENT: {', '.join(differ)}" if differ else "")
        + " (D: different queries, not compared).",
        "",
        "```sh",
        command,
        "```",
        "",
        table,
        "",
        "Targets (issue 17):",
        "",
        *[f"- {check}" for check in checks],
    ]
    for query, found in differ.items():
        lines += ["", f"{query} differs:", *[f"    {line}" for line in found[:20]]]
    return "\n".join(lines) + "\n"


async def run(arguments: argparse.Namespace) -> tuple[str, bool]:
    """The run's section for docs/benchmarks.md, and whether both servers returned the same
    data."""
    plan = QUICK if arguments.quick else Plan()
    plan = replace(
        plan,
        **{
            name: getattr(arguments, name)
            for name in ("rounds", "requests", "seconds", "concurrency", "workers")
            if getattr(arguments, name) is not None
        },
    )
    ports = {PRODUCT: arguments.product_port, PGL: arguments.pgl_port}
    url = get_settings().database_url
    if not url.startswith("postgresql"):
        raise SystemExit("the comparison runs on PostgreSQL: set DATABASE_URL")
    started, load_before = datetime.now(UTC), load_average()
    db = await asyncpg.connect(servers.libpq_url(url))
    try:
        partner_id = await db.fetchval(
            "SELECT id FROM partners WHERE remittance_account_number = $1", REMITTANCE
        )
        if partner_id is None:
            raise SystemExit("no benchmark data: run `python -m bench.generate` first")
        token = cli("create-token", "--partner-id", str(partner_id), "--role", "VIEWER",
                    "--label", "bench-compare")  # fmt: skip
        data = await read_data(db, token)
        sizes = {
            name: await db.fetchval(
                f"SELECT count(*) FROM {table} WHERE partner_id = $1", partner_id
            )
            for name, table in (
                ("customers", "customers"),
                ("resources", "resources"),
                ("details", "consumption_details"),
            )
        }
        pg_version = (await db.fetchval("SHOW server_version")).split()[0]
    finally:
        await db.close()
    logs = Path(tempfile.mkdtemp(prefix="pc-bench-"))
    print(f"server logs in {logs}", flush=True)
    try:
        data, statements, diffs, a_cost = await counting_phase(url, data, plan, ports, logs)
        for query, found in diffs.items():
            verdict = "same data" if not found else "DIFFERENT: " + found[0]
            print(f"{query}: {verdict if query != 'D' else 'not compared'}", flush=True)
        samples, mode = await timing_phase(url, data, plan, ports, logs)
    finally:
        cli("revoke-token", "--token", token)
    table = format_table(samples, statements, QUERIES, plan.concurrency)
    checks = targets(samples, statements, a_cost=a_cost, cost_limit=get_settings().max_query_cost)
    args = " ".join(sys.argv[1:])
    where = urlsplit(url)
    user = f"{where.username}@" if where.username else ""
    shown = f"{where.scheme}://{user}{where.hostname}:{where.port or 5432}{where.path}"
    command = "\n".join(
        [
            f"make bench BENCH_DATABASE_URL={shown}" + (f' BENCH_ARGS="{args}"' if args else ""),
            f"# on data already generated: DATABASE_URL={shown} "
            f".venv/bin/python -m bench.compare {args}".rstrip(),
        ]
    )
    text = section(
        started=started,
        load_before=load_before,
        load_after=load_average(),
        mode=mode,
        plan=plan,
        sizes=sizes,
        pg_version=pg_version,
        table=table,
        checks=checks,
        diffs=diffs,
        command=command,
    )
    return text, not any(diffs.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 round, 30 requests, 3 s loads")
    parser.add_argument("--rounds", type=int, help="rounds (default 3)")
    parser.add_argument("--requests", type=int, help="sequential requests (default 200)")
    parser.add_argument("--seconds", type=float, help="seconds of each load (default 20)")
    parser.add_argument("--concurrency", type=int, help="load connections (default 8)")
    parser.add_argument("--workers", type=int, help="workers of each server (default 2)")
    parser.add_argument("--product-port", type=int, default=8771)
    parser.add_argument("--pgl-port", type=int, default=8772)
    parser.add_argument(
        "--append",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="append the results to docs/benchmarks.md (default: unless --quick)",
    )
    arguments = parser.parse_args(argv)
    text, same = asyncio.run(run(arguments))
    print("\n" + text, flush=True)
    append = arguments.append if arguments.append is not None else not arguments.quick
    if append:
        with DOCS.open("a", encoding="utf-8") as docs:
            docs.write("\n" + text)
        print(f"appended to {DOCS.relative_to(servers.ROOT)}")
    if not same:
        raise SystemExit("the product and PostGraphile returned different data (see above)")


if __name__ == "__main__":
    main()
