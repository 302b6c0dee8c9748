"""A minimal HTTP/1.1 keep-alive client for the side-by-side benchmark.

The comparison sends the same few requests tens of thousands of times, from a machine with two
cores that also runs both servers and PostgreSQL, so the client must cost as little CPU as
possible and the same for every server: a request is built once as bytes, written on an open
connection, and its answer read by `Content-Length` (or chunked encoding) without parsing the
body. A general client (httpx) costs ~1 ms of CPU a request, as much as the smallest query.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


def build_request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """A POST of `body` (JSON) as bytes, ready to write again and again."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        "Accept: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class Answer:
    status: int
    body: bytes


class Connection:
    """One keep-alive connection; `send` writes a request and reads its answer."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.local_port = 0

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.local_port = self.writer.get_extra_info("sockname")[1]
        return self

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
            self.writer = self.reader = None

    async def send(self, request: bytes) -> Answer:
        if self.writer is None or self.reader is None:
            await self.open()
        assert self.writer is not None and self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, chunked, closing = _framing(head)
        if chunked:
            body = await _read_chunked(self.reader)
        else:
            body = await self.reader.readexactly(length)
        if closing:
            await self.close()
        return Answer(status, body)


def _framing(head: bytes) -> tuple[int, bool, bool]:
    """(Content-Length, chunked?, connection closing?) of a response head."""
    length, chunked, closing = 0, False, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            closing = value.strip().lower() == b"close"
    return length, chunked, closing


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # the empty trailer
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
