"""The load generator of the side-by-side benchmark, run in a process of its own.

    python -m bench.load   (reads one JSON spec line on stdin)

It opens `concurrency` connections at once (HTTP keep-alive to a server, or asyncpg to
PostgreSQL for the SQL floor), sends one request on each (so every connection is set up and
the statement prepared), prints a `ready` line (JSON, with the backends' pids for the floor)
and waits for `go` on stdin, so the driver can read the servers' CPU times exactly around the
measured window. Then each connection sends the same request back to back for `seconds`; at
the deadline no new request starts, the ones in flight finish and are counted. The result is
one JSON line: completed requests (in all and per connection, by its local port, so the driver
can tell which worker served them), failures (any answer but a 200 without `"errors"`), the
window's length and requests per second; the connections close when the driver says `close`.

Its own process, so the client's CPU is not the driver's and the driver's sampling does not
slow the client; the spec:

    {"kind": "http", "host": "127.0.0.1", "port": 8000, "path": "/graphql",
     "body": "<JSON text>", "headers": {...}, "concurrency": 8, "seconds": 20}
    {"kind": "sql", "dsn": "postgresql://...", "statement": "SELECT ...", "args": [...],
     "concurrency": 8, "seconds": 20}
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bench.http1 import Connection, build_request


class Tally:
    def __init__(self) -> None:
        self.done = 0
        self.failed = 0
        self.first_failure = ""
        self.by_port: dict[int, int] = {}  # completed requests per connection (its local port)


async def _http_workers(spec: dict[str, Any]) -> tuple[list[Any], Any]:
    request = build_request(
        spec["host"], spec["port"], spec["path"], spec["body"].encode(), spec["headers"]
    )
    connections = await asyncio.gather(
        *(Connection(spec["host"], spec["port"]).open() for _ in range(spec["concurrency"]))
    )
    # one request on each connection, all at once: every connection is accepted and served
    await asyncio.gather(*(c.send(request) for c in connections))

    async def once(connection: Connection, tally: Tally) -> None:
        answer = await connection.send(request)
        if answer.status != 200 or b'"errors"' in answer.body:
            tally.failed += 1
            tally.first_failure = tally.first_failure or answer.body[:300].decode(errors="replace")
        else:
            tally.done += 1
            port = connection.local_port
            tally.by_port[port] = tally.by_port.get(port, 0) + 1

    async def close() -> None:
        await asyncio.gather(*(c.close() for c in connections))

    return [(c, once) for c in connections], close


async def _sql_workers(spec: dict[str, Any]) -> tuple[list[Any], Any, list[int]]:
    import asyncpg

    connections = await asyncio.gather(
        *(asyncpg.connect(spec["dsn"]) for _ in range(spec["concurrency"]))
    )
    pids = [c.get_server_pid() for c in connections]
    statement, args = spec["statement"], spec["args"]
    await asyncio.gather(*(c.fetch(statement, *args) for c in connections))

    async def once(connection: Any, tally: Tally) -> None:
        await connection.fetch(statement, *args)
        tally.done += 1

    async def close() -> None:
        await asyncio.gather(*(c.close() for c in connections))

    return [(c, once) for c in connections], close, pids


async def run(spec: dict[str, Any], ready: Any, go: Any, done: Any) -> None:
    """Set up, call `ready(info)`, wait for `go()`, load for `spec["seconds"]`, then call
    `done(result)` and close the connections once it returns (the driver reads the
    database backends' CPU times before they go away)."""
    pids: list[int] = []
    if spec["kind"] == "sql":
        workers, close, pids = await _sql_workers(spec)
    else:
        workers, close = await _http_workers(spec)
    ready({"ready": True, "backend_pids": pids})
    await go()
    tally = Tally()
    started = time.perf_counter()
    deadline = started + spec["seconds"]

    async def loop(connection: Any, once: Any) -> None:
        while time.perf_counter() < deadline:
            await once(connection, tally)

    try:
        await asyncio.gather(*(loop(c, once) for c, once in workers))
        elapsed = time.perf_counter() - started
        await done(
            {
                "requests": tally.done,
                "failed": tally.failed,
                "first_failure": tally.first_failure,
                "seconds": elapsed,
                "rps": tally.done / elapsed if elapsed else 0.0,
                "by_port": tally.by_port,
            }
        )
    finally:
        await close()


def main() -> None:
    spec = json.loads(sys.stdin.readline())

    def ready(info: dict[str, Any]) -> None:
        print(json.dumps(info), flush=True)

    async def expect(word: str) -> None:
        line = await asyncio.to_thread(sys.stdin.readline)
        if line.strip() != word:
            raise SystemExit(f"expected {word!r}, got {line!r}")

    async def go() -> None:
        await expect("go")

    async def done(result: dict[str, Any]) -> None:
        print(json.dumps(result), flush=True)
        await expect("close")

    asyncio.run(run(spec, ready, go, done))


if __name__ == "__main__":
    main()
