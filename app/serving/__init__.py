"""`serve`: one uvicorn process, or a supervisor of N worker processes that share the load.

With one worker (the default) `serve` is plain `uvicorn.run`, `--reload` included. With more,
`supervisor.py` starts N processes of `worker.py`, each running uvicorn on its own event loop.
uvicorn's own `--workers` has every process accept() on one inherited socket, and the process
that wakes first takes every connection that is waiting: 8 keep-alive connections opened at
once all went to one worker in 7 of 8 runs. Here each worker binds a socket of its own to the
same address with SO_REUSEPORT, and the kernel hashes each new connection to one of them
(`sockets.py`); where the kernel does not balance such sockets, the workers share one socket,
and the log says so. docs/operations.md > Serving says how to run it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from app.settings import Settings

MAX_WORKERS = 64  # each worker holds its own database pool (up to 30 PostgreSQL connections)
APP = "app.main:app"


@dataclass(frozen=True)
class ServeOptions:
    """Where and how `serve` listens, the command line's options over the settings."""

    host: str
    port: int
    workers: int
    reload: bool = False

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def serve_options(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    reload: bool = False,
) -> ServeOptions:
    """The options `serve` runs with; ValueError, with a message for the operator, when they
    make no sense (too few or too many workers, `--reload` with several, no fixed port)."""
    source = "--workers" if workers is not None else "WORKERS"
    count = settings.workers if workers is None else workers
    if not 1 <= count <= MAX_WORKERS:
        raise ValueError(
            f"{source} is {count}: give a number of worker processes from 1 to {MAX_WORKERS} "
            "(about one per CPU core is usual)."
        )
    port = settings.port if port is None else port
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} is not a TCP port (0-65535).")
    if count > 1 and reload:
        raise ValueError(
            f"--reload restarts one process on code changes: it can't run with {source} "
            f"{count}; use --workers 1 for development."
        )
    if count > 1 and os.name != "posix":
        raise ValueError(f"{source} {count} needs a POSIX system (Linux, macOS): serve with 1.")
    if count > 1 and port == 0:
        raise ValueError(
            f"port 0 would give each of the {count} workers a port of its own: give a port."
        )
    return ServeOptions(host or settings.host, port, count, reload)


def uvicorn_options(settings: Settings, *, reload: bool = False) -> dict[str, Any]:
    """What every serving process passes to uvicorn, whether it serves alone or as a worker
    (the rest stays uvicorn's defaults, the same in both)."""
    options: dict[str, Any] = {
        "log_level": settings.log_level.lower(),
        "timeout_graceful_shutdown": settings.serve_shutdown_timeout_seconds,
    }
    # under --reload the serving process is a child of this one: its pid is not known here
    if settings.worker_pid_header and not reload:
        options["headers"] = [("X-Worker-Pid", str(os.getpid()))]
    return options


def serve(settings: Settings, options: ServeOptions) -> int:
    """Serve until stopped (SIGTERM or SIGINT); the process's exit code."""
    if options.workers == 1:
        import uvicorn

        uvicorn.run(
            APP,
            host=options.host,
            port=options.port,
            reload=options.reload,
            **uvicorn_options(settings, reload=options.reload),
        )
        return 0
    if settings.database_url.startswith("sqlite") and settings.principal_cache:
        # The principal cache is invalidated across processes by PostgreSQL NOTIFY; on SQLite
        # only within one process, so several workers look every token up instead.
        logging.getLogger(__name__).warning(
            "SQLite with %d workers: the principal cache is off (PRINCIPAL_CACHE=false)",
            options.workers,
        )
        os.environ["PRINCIPAL_CACHE"] = "false"
    from app.serving.supervisor import Supervisor

    return Supervisor(settings, options).run()
