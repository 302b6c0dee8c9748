"""The side-by-side benchmark's measurements of one query on one system.

- **p50, p99**: `requests` sequential requests on one keep-alive connection (asyncpg for the
  floor) after `warmup` more, timed from the driver's side (nearest-rank percentiles);
- **req/s**: the load generator (`bench/load.py`, a process of its own) at `concurrency`
  connections opened at once, for `seconds`;
- **app CPU per request**: the CPU time (user + system) the server's processes spent in the
  load's window, over the requests it completed;
- **DB CPU per request**: the same for the PostgreSQL backends connected to the benchmark
  database (`pg_stat_activity`, the driver's own excepted), so the SQL floor has a CPU cost
  too and each server's is split into its own and the database's;
- **per-worker split**: the share of the load's requests each worker served, and how many of
  the load's connections it held: the load generator counts requests per connection, and
  which process holds each connection is read from /proc halfway through the window
  (`bench/procs.py`).
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench import procs
from bench.http1 import Connection
from bench.report import Sample
from bench.servers import ROOT, Server


@dataclass(frozen=True)
class Plan:
    """How much to measure."""

    rounds: int = 3
    requests: int = 200
    warmup: int = 20
    seconds: float = 20.0
    concurrency: int = 8
    workers: int = 2


QUICK = Plan(rounds=1, requests=30, warmup=5, seconds=3.0)


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of a non-empty list."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def answered(status: int, body: bytes) -> bool:
    return status == 200 and b'"errors"' not in body


async def sequential_http(port: int, request: bytes, plan: Plan) -> list[float]:
    """Milliseconds of each of `plan.requests` requests, after `plan.warmup`."""
    connection = await Connection("127.0.0.1", port).open()
    samples = []
    try:
        for i in range(plan.warmup + plan.requests):
            started = time.perf_counter()
            answer = await connection.send(request)
            elapsed = (time.perf_counter() - started) * 1000
            if not answered(answer.status, answer.body):
                raise RuntimeError(f"request failed ({answer.status}): {answer.body[:300]!r}")
            if i >= plan.warmup:
                samples.append(elapsed)
    finally:
        await connection.close()
    return samples


async def sequential_sql(db: Any, statement: str, args: list[Any], plan: Plan) -> list[float]:
    samples = []
    for i in range(plan.warmup + plan.requests):
        started = time.perf_counter()
        await db.fetch(statement, *args)
        if i >= plan.warmup:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


async def backends(monitor: Any) -> set[int]:
    """The PostgreSQL backends on the benchmark database but the monitor's own."""
    rows = await monitor.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    return {row["pid"] for row in rows}


async def load(
    spec: dict[str, Any], server: Server | None, plan: Plan, monitor: Any
) -> dict[str, Any]:
    """Run the load generator once; its result with the CPU and connection readings."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.load",
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    spec = {**spec, "concurrency": plan.concurrency, "seconds": plan.seconds}
    process.stdin.write(json.dumps(spec).encode() + b"\n")
    await process.stdin.drain()
    ready = await process.stdout.readline()
    if not ready:
        raise RuntimeError("the load generator failed to start")
    pids = server.pids() if server else []
    db_before = await backends(monitor)
    app_start, db_start = procs.cpu_times(pids), procs.cpu_times(db_before)
    process.stdin.write(b"go\n")
    await process.stdin.drain()
    await asyncio.sleep(plan.seconds / 2)
    owners = procs.connection_owners(pids, server.port) if server else {}
    line = await process.stdout.readline()
    app_end = procs.cpu_times(pids)
    db_all = db_before | await backends(monitor)
    db_end = procs.cpu_times(db_all)  # before the floor's connections close
    if line:
        process.stdin.write(b"close\n")
        await process.stdin.drain()
    await process.wait()
    if not line:
        raise RuntimeError("the load generator failed (see above)")
    result = json.loads(line)
    requests = max(1, result["requests"])
    spent = procs.cpu_spent(app_start, app_end)
    db_spent = procs.cpu_spent(db_start, db_end)
    split, held = worker_split(result["by_port"], owners, pids, plan.workers)
    result.update(
        app_cpu_ms=spent / requests * 1000 if server else None,
        db_cpu_ms=db_spent / requests * 1000,
        split=split,
        connections=held,
    )
    return result


def worker_split(
    by_port: dict[str, int], owners: dict[int, int], pids: list[int], workers: int
) -> tuple[list[float], list[int]]:
    """The share of the requests (%) each worker served and the connections it held, the
    busiest first, for the `workers` processes that served most (a worker that served none
    shows as 0). Empty for the floor (no server processes)."""
    if not pids:
        return [], []
    served: dict[int, int] = dict.fromkeys(pids, 0)
    held: dict[int, int] = dict.fromkeys(pids, 0)
    for port, count in by_port.items():
        owner = owners.get(int(port))
        if owner is not None:
            served[owner] += count
            held[owner] += 1
    total = sum(served.values())
    ranked = sorted(pids, key=lambda pid: (served[pid], held[pid]), reverse=True)[:workers]
    if not total:
        return [], []
    return [served[pid] / total * 100 for pid in ranked], [held[pid] for pid in ranked]


def sample(round_: int, query: str, system: str, times: list[float], loaded: dict) -> Sample:
    return Sample(
        round=round_,
        query=query,
        system=system,
        p50=percentile(times, 50),
        p99=percentile(times, 99),
        rps=loaded["rps"],
        failed=loaded["failed"],
        app_cpu_ms=loaded["app_cpu_ms"],
        db_cpu_ms=loaded["db_cpu_ms"],
        split=loaded["split"],
        connections=loaded["connections"],
    )
