"""Statements per request, counted on the wire: a PostgreSQL protocol proxy.

PostgreSQL's own counter (`pg_stat_statements`) needs the extension preloaded in the server,
which a shared development server usually does not do, and `pg_stat_database` counts
transactions and rows, not statements. So a server under test is pointed at this proxy for
the counting phase (never while timing), and the proxy reads what the server's connections
send: every simple query (`Q`) and every `Execute` of the extended protocol (`E`) is one
statement, whatever the driver (asyncpg prepares and executes, node-postgres sends `BEGIN` as
a simple query); `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT` and `RELEASE` are counted apart as
transaction control. Everything a request causes is counted, the token lookup and a
background write included. An SSL request is answered "no" by the proxy itself, so both legs
stay plain and readable (it listens on the loopback only).
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections import Counter
from collections.abc import Coroutine
from typing import Any

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CONTROL = ("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE")


def first_word(sql: str) -> str:
    words = sql.lstrip(" \t\r\n(").split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


class Tally:
    """What the proxied connections sent: statements, of which transaction control."""

    def __init__(self) -> None:
        self.statements = 0
        self.control = 0
        self.words: Counter[str] = Counter()

    def count(self, sql: str) -> None:
        word = first_word(sql)
        self.statements += 1
        self.words[word] += 1
        if word in CONTROL:
            self.control += 1

    def snapshot(self) -> tuple[int, int]:
        return self.statements, self.control


class CountingProxy:
    """Listens on 127.0.0.1:<port>, forwards to PostgreSQL, counts into `tally`."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.tally = Tally()
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """Stop listening and end the connections still open."""
        if self.server is not None:
            self.server.close()
            self.server = None
        for task in list(self.pipes):
            task.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        tasks = [
            asyncio.create_task(_until_closed(self._from_client(reader, writer, up_writer))),
            asyncio.create_task(_until_closed(_pipe(up_reader, writer))),
        ]
        self.pipes.update(tasks)
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.pipes.difference_update(tasks)
            for w in (writer, up_writer):
                w.close()

    async def _from_client(
        self,
        reader: asyncio.StreamReader,
        client: asyncio.StreamWriter,
        upstream: asyncio.StreamWriter,
    ) -> None:
        # start-up: untyped messages until the startup packet itself
        while True:
            head = await reader.readexactly(8)
            length, code = struct.unpack("!II", head)
            rest = await reader.readexactly(length - 8)
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                client.write(b"N")  # no encryption: the client goes on in plain text
                await client.drain()
                continue
            upstream.write(head + rest)
            break
        statements: dict[bytes, str] = {}
        portals: dict[bytes, str] = {}
        while True:
            head = await reader.readexactly(5)
            kind = head[:1]
            payload = await reader.readexactly(struct.unpack("!I", head[1:])[0] - 4)
            if kind == b"Q":
                self.tally.count(payload.rstrip(b"\0").decode(errors="replace"))
            elif kind == b"P":
                name, _, rest = payload.partition(b"\0")
                statements[name] = rest.partition(b"\0")[0].decode(errors="replace")
            elif kind == b"B":
                portal, _, rest = payload.partition(b"\0")
                portals[portal] = statements.get(rest.partition(b"\0")[0], "")
            elif kind == b"E":
                self.tally.count(portals.get(payload.partition(b"\0")[0], ""))
            upstream.write(head + payload)
            if kind in (b"S", b"Q", b"H", b"X"):  # a round trip's end: send it
                await upstream.drain()


async def _until_closed(work: Coroutine[Any, Any, None]) -> None:
    """Run one direction of a connection until either side closes it."""
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, OSError):
        await work


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
