"""Bearer-token authentication, shared by /graphql and the exports.

`Authorization: Bearer <token>`; a missing header or an unknown/revoked token is HTTP 401
with a `WWW-Authenticate` challenge (DESIGN.md: Auth and tenancy).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.http.negotiation import HttpError
from app.services.core.principal import Principal
from app.services.partners import tokens


def new_request_id(request: Request) -> str:
    """A caller-supplied X-Request-ID if it is sane, else a fresh one."""
    supplied = request.headers.get("x-request-id", "")
    if 8 <= len(supplied) <= 64 and all(c.isalnum() or c in "-_" for c in supplied):
        return supplied
    return uuid.uuid4().hex


def missing_token() -> HttpError:
    return HttpError(
        401,
        "Send `Authorization: Bearer <token>` (create one with `python -m app create-token`).",
        {"WWW-Authenticate": "Bearer"},
    )


def invalid_token() -> HttpError:
    return HttpError(
        401,
        "The token is unknown or revoked.",
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None without the header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise missing_token()
    return raw.strip()


async def authenticate(session: AsyncSession, raw_token: str | None) -> tuple[Principal, bool]:
    """The principal of a bearer token and whether its last-used time is due a refresh.

    Raises the 401 `HttpError` when there is no token or it is unknown or revoked.
    """
    if raw_token is None:
        raise missing_token()
    found = await tokens.authenticate(session, raw_token)
    if found is None:
        raise invalid_token()
    return found


def http_error_code(error: HttpError) -> str:
    """The GraphQL-style error code of a request-level HTTP error."""
    return "UNAUTHENTICATED" if error.status == 401 else "BAD_REQUEST"
