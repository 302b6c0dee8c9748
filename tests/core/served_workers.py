"""A real `serve --workers N` for the tests: started as a subprocess on a free port, and raw
HTTP/1.1 keep-alive connections to it, each answer naming its worker (`X-Worker-Pid`).

Every wait polls with a deadline (a start takes ~3 s, much more on a loaded shared machine);
none sleeps a fixed time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from time import monotonic

START_SECONDS = 120.0
ANSWER_SECONDS = 15.0
CONSOLE = Path(sys.executable).parent / "partner-console"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    """Whether `pid` still exists (a zombie not yet reaped by its parent counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def until(check, what: str, seconds: float = START_SECONDS):  # type: ignore[no-untyped-def]
    """Poll the async `check` until it returns something truthy; AssertionError after
    `seconds`, naming `what` did not happen."""
    deadline = monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        if monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f} s")
        await asyncio.sleep(0.05)


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), ANSWER_SECONDS
        )
        return cls(reader, writer)

    async def get(self, path: str = "/healthz") -> tuple[int, int]:
        """(status, pid of the worker that answered) of one request on this connection."""
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        await self.writer.drain()
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), ANSWER_SECONDS)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in lines if line)
        )
        await self.reader.readexactly(int(headers.get("content-length", "0")))
        return int(status_line.split()[1]), int(headers["x-worker-pid"])

    async def close(self) -> None:
        self.writer.close()
        with suppress(OSError):
            await self.writer.wait_closed()


async def answer(port: int) -> int:
    """The pid of the worker that answers /healthz on a new connection (closed afterwards)."""
    connection = await Connection.open(port)
    try:
        status, pid = await connection.get()
    finally:
        await connection.close()
    assert status == 200
    return pid


@dataclass
class Served:
    process: asyncio.subprocess.Process
    port: int
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def workers(self, count: int) -> set[int]:
        """The pids of `count` workers, each seen answering on new connections (the kernel
        spreads those over every listening worker)."""
        seen: set[int] = set()

        async def all_seen() -> set[int]:
            with suppress(OSError, asyncio.IncompleteReadError, TimeoutError):
                seen.add(await answer(self.port))
            if self.process.returncode is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}: {self.text()}")
            return seen if len(seen) >= count else set()

        return await until(all_seen, f"{count} workers answering")

    async def exited(self) -> int:
        """The exit code of a server that stops by itself."""
        try:
            return await asyncio.wait_for(self.process.wait(), START_SECONDS)
        except TimeoutError:
            raise AssertionError(f"serve did not exit: {self.text()}") from None

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig` to the supervisor; its exit code (killed after a deadline)."""
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), START_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"serve did not stop on {sig!r}: {self.text()}") from None


@asynccontextmanager
async def serve(
    database_url: str,
    folder: Path,
    *args: str,
    module: bool = False,
    port: int | None = None,
    **env: str,
) -> AsyncIterator[Served]:
    """`partner-console serve --port P *args` (or `python -m app serve ...`) on a free port
    (or `port`), with the worker header on and the log in `folder`; stopped (and its workers
    with it) afterwards."""
    port = port or free_port()
    log = folder / f"serve-{port}.log"
    command = [sys.executable, "-m", "app"] if module else [str(CONSOLE)]
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WORKER_PID_HEADER": "true",
        "LOG_LEVEL": "INFO",
        **env,
    }
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            *command,
            "serve",
            "--port",
            str(port),
            *args,
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    served = Served(process, port, log)
    try:
        yield served
    finally:
        if process.returncode is None:
            await served.stop()
