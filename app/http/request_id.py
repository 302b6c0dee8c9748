"""One request id per request, on every response (`X-Request-ID`), whatever answers it.

The middleware picks the id (a sane `X-Request-ID` the caller sent, else a fresh one) and
puts it in the request's headers, so the GraphQL endpoint and the exports, which read the
header, log and mask errors with that same id; every response leaving the app gets it, 404s,
`/healthz` and GraphiQL's assets included. An exception nothing else handled is answered here
as a JSON 500 carrying the id (and logged with it), never as a bare text/plain page.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson

log = logging.getLogger("app.http")

HEADER = b"x-request-id"


def sane_request_id(supplied: str) -> bool:
    """8-64 ASCII letters, digits, "-" or "_": safe to log and to send back."""
    return 8 <= len(supplied) <= 64 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in supplied
    )


def choose_request_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == HEADER:
            supplied = value.decode("latin-1")
            if sane_request_id(supplied):
                return supplied
    return uuid.uuid4().hex


def _error_body(request_id: str) -> bytes:
    return orjson.dumps(
        {
            "errors": [
                {
                    "message": "Unexpected error.",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                }
            ]
        }
    )


class RequestIdMiddleware:
    """Pure ASGI (streaming responses pass through untouched)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(n, v) for n, v in scope.get("headers", []) if n.lower() != HEADER]
        request_id = choose_request_id(scope.get("headers", []))
        scope = {**scope, "headers": [*headers, (HEADER, request_id.encode())]}
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = [(n, v) for n, v in message.get("headers", []) if n.lower() != HEADER]
                message = {**message, "headers": [*out, (b"X-Request-ID", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("request %s failed", request_id)
            if started:
                raise  # the status is sent; the server can only cut the connection
            body = _error_body(request_id)
            await send_with_id(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_with_id({"type": "http.response.body", "body": body})
