"""Starting and stopping the two servers the benchmark compares, on the same database.

- The product with 2 workers: `python -m app serve --workers N` when this branch's CLI has
  the option (read from `serve --help`), else `uvicorn app.main:app --workers N`; the mode
  used is printed with the results. Its throttle bucket is raised through the settings'
  environment (THROTTLE_MAXIMUM_AVAILABLE, THROTTLE_RESTORE_RATE) so repeated queries are not
  throttled; the cost limit (MAX_QUERY_COST) stays as configured, so every request is still
  costed and checked.
- PostGraphile 4 with `--cluster-workers N`, from `bench/postgraphile/node_modules` (installed
  by `npm ci` from the committed lock file), with the simplify inflector and pg-aggregates.

Each server runs in a session of its own (`start_new_session`), so stopping it ends its
workers with it: SIGTERM to that process group, SIGKILL if it is still there 10 s later.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import procs
from bench.http1 import Connection, build_request

ROOT = Path(__file__).resolve().parents[1]
PGL_DIR = ROOT / "bench" / "postgraphile"
PGL_CLI = PGL_DIR / "node_modules" / "postgraphile" / "cli.js"
RAISED_BUCKET = "1000000000"


def libpq_url(url: str) -> str:
    """`postgresql+asyncpg://...` as a plain `postgresql://` URL (asyncpg, node-postgres)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def with_port(url: str, host: str, port: int) -> str:
    """`url` pointing at `host:port` instead (the counting proxy)."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    mode: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def pids(self) -> list[int]:
        return procs.process_tree(self.process.pid) if self.process else []

    def start(self, log: Path) -> None:
        with log.open("ab") as sink:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.process = None

    async def ready(self, body: bytes, workers: int, within: float = 120) -> None:
        """Wait until a request is answered, the server has its workers and they are idle: a
        worker still importing accepts no connection, and the load's connections would all
        go to the others (a loaded shared machine takes many seconds to start either)."""
        request = build_request("127.0.0.1", self.port, "/graphql", body, {})
        deadline = time.monotonic() + within
        answered = False
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting (see its log)")
            if not answered:
                answered = await self._answers(request)
                await asyncio.sleep(0.2)
                continue
            pids = self.pids()
            before = sum(procs.cpu_times(pids).values())
            await asyncio.sleep(1.0)
            if len(pids) > workers and sum(procs.cpu_times(pids).values()) - before < 0.05:
                return
        raise RuntimeError(f"{self.name} did not start in {within:.0f} s")

    async def _answers(self, request: bytes) -> bool:
        try:
            connection = await Connection("127.0.0.1", self.port).open()
            try:
                return (await connection.send(request)).status == 200
            finally:
                await connection.close()
        except (OSError, asyncio.IncompleteReadError):
            return False


def serve_supports_workers() -> bool:
    """Whether this branch's `python -m app serve` takes `--workers`."""
    shown = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return "--workers" in shown.stdout


def product(database_url: str, port: int, workers: int, *, serve: bool | None = None) -> Server:
    """The product on `database_url` (SQLAlchemy URL) with `workers` workers."""
    serve = serve_supports_workers() if serve is None else serve
    if serve:
        command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--workers", str(workers)]
        mode = f"partner-console serve --workers {workers}"  # the same entry point
    else:
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--workers", str(workers)]
        command += ["--log-level", "warning", "--no-access-log"]
        mode = f"uvicorn app.main:app --workers {workers} (this branch's serve has no --workers)"
    env = {
        "DATABASE_URL": database_url,
        "THROTTLE_MAXIMUM_AVAILABLE": RAISED_BUCKET,
        "THROTTLE_RESTORE_RATE": RAISED_BUCKET,
        "LOG_LEVEL": "WARNING",  # no access log line per request
    }
    return Server("product", command, port, mode, env)


def postgraphile(database_url: str, port: int, workers: int) -> Server:
    """PostGraphile 4 on the same database, `--cluster-workers workers`."""
    if not PGL_CLI.exists():
        raise RuntimeError(
            f"PostGraphile is not installed: run `cd {PGL_DIR.relative_to(ROOT)} && npm ci` "
            "(or `make bench`, which does)"
        )
    command = ["node", str(PGL_CLI), "-c", libpq_url(database_url), "--schema", "public"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--disable-graphiql"]
    command += ["--simple-collections", "both", "--disable-query-log"]
    command += [
        "--append-plugins",
        "@graphile-contrib/pg-simplify-inflector,@graphile/pg-aggregates",
    ]
    command += ["--cluster-workers", str(workers)]
    mode = f"postgraphile 4.14.1 --cluster-workers {workers}"
    return Server("PostGraphile", command, port, mode, {"NODE_ENV": "production"})
