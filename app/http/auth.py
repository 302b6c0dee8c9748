"""Who is calling: the bearer token (shared by /graphql and the exports), and what a caller
without one may run.

`Authorization: Bearer <token>`; a missing header or an unknown, revoked or expired token (or
a deactivated user's) is HTTP 401 with a `WWW-Authenticate` challenge (DESIGN.md: Auth and
tenancy) and a message that says which.

Without a token nothing runs but introspection. The endpoint decides before execution, from
the document alone (`introspection_only`, once `app/http/documents.py` has inspected the
document and selected its operation), and it is sound rather than hopeful: an anonymous
operation executes only when the operation that would run was selected and every field it
selects at its root, through every fragment and inline fragment, is `__schema`, `__type` or
`__typename`. A document that fails to parse or validate is answered with its errors (they
describe the public schema, nothing else) without executing; a document that can't be
inspected, or whose operation can't be selected, does not run. That keeps GraphiQL's docs
and the GraphQL-over-HTTP conformance checks working before a token is pasted, and nothing
else.

`acceptInvitation` is no exception: per DOMAIN.md a customer accepts signed in (its CUSTOMER
token) or through the vendor's sign-up flow (PLATFORM), so the invitation token is never the
only credential, and an anonymous call is refused here like any other mutation: one answer,
401, whatever invitation token it carries.
"""

from __future__ import annotations

import uuid

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.http.negotiation import HttpError
from app.services.core.principal import Principal
from app.services.core.principal_cache import PrincipalCache
from app.services.partners import tokens

META_FIELDS = frozenset({"__typename", "__schema", "__type"})


def new_request_id(request: Request) -> str:
    """A caller-supplied X-Request-ID if it is sane, else a fresh one."""
    supplied = request.headers.get("x-request-id", "")
    if 8 <= len(supplied) <= 64 and all(c.isalnum() or c in "-_" for c in supplied):
        return supplied
    return uuid.uuid4().hex


def missing_token() -> HttpError:
    return HttpError(
        401,
        "Send `Authorization: Bearer <token>` (an ADMIN issues one with `createApiToken`; "
        "on the server, `partner-console create-token`).",
        {"WWW-Authenticate": "Bearer"},
    )


def invalid_token(message: str = "The token is unknown.") -> HttpError:
    return HttpError(
        401,
        message,
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


async def authenticate(
    session: AsyncSession, raw_token: str | None, cache: PrincipalCache | None = None
) -> tuple[Principal, bool]:
    """The principal of a bearer token and whether its last-used time is due a refresh
    (from `cache` when it holds the token: see `tokens.authenticate`).

    Raises the 401 `HttpError` when there is no token or it is unknown, revoked, expired or
    its user's deactivated.
    """
    if raw_token is None:
        raise missing_token()
    found = await tokens.authenticate(session, raw_token, cache)
    if found is None:
        raise invalid_token()
    if isinstance(found, tokens.TokenRefusal):
        raise invalid_token(found.value)
    return found


def http_error_code(error: HttpError) -> str:
    """The GraphQL-style error code of a request-level HTTP error (its own, if it has one)."""
    default = "UNAUTHENTICATED" if error.status == 401 else "BAD_REQUEST"
    return getattr(error, "code", None) or default


def introspection_only(operation: OperationDefinitionNode, document: DocumentNode) -> bool:
    """True if every root field `operation` selects, through any fragment, is a meta field.

    Each fragment is walked once (a fragment spread twice, or in a cycle, costs nothing more),
    so the walk is linear in the document; a spread of an unknown fragment is not meta.
    """
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    pending: list[SelectionSetNode] = [operation.selection_set]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value not in META_FIELDS:
                    return False
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen:
                    continue
                seen.add(name)
                if name not in fragments:
                    return False
                pending.append(fragments[name])
            else:  # a selection kind this walk does not know: not provably meta
                return False
    return True
