"""Shaping GraphQL errors for clients: known failures get a code, the rest are masked."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from app.services.core.errors import (
    BadRequest,
    DomainError,
    DomainErrors,
    NotAuthenticated,
    PermissionDenied,
)

log = logging.getLogger("app.graphql")

MASKED_MESSAGE = "Unexpected error."


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    known = PermissionDenied | BadRequest | NotAuthenticated | DomainError | DomainErrors
    return not isinstance(original, known)


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The error as sent: `extensions.code` always, unexpected ones masked with a request id."""
    original = error.original_error
    formatted = error.formatted
    extensions: dict[str, Any] = dict(formatted.get("extensions") or {})
    if isinstance(original, PermissionDenied):
        extensions["code"] = "FORBIDDEN"
    elif isinstance(original, BadRequest):
        extensions["code"] = "BAD_USER_INPUT"
    elif isinstance(original, NotAuthenticated):
        extensions["code"] = "UNAUTHENTICATED"
    elif isinstance(original, DomainError | DomainErrors):
        # a business rule a query field enforces (a mutation answers them as userErrors):
        # its own code, e.g. NOT_FOUND for an id the caller can't see
        first = original if isinstance(original, DomainError) else original.errors[0]
        extensions["code"] = first.code.value
    elif is_unexpected(error):
        log.error(
            "unexpected error in %s [request %s]",
            ".".join(str(p) for p in error.path or []),
            request_id,
            exc_info=original,
        )
        formatted["message"] = MASKED_MESSAGE
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    elif isinstance(error, GraphQLSyntaxError):
        extensions.setdefault("code", "GRAPHQL_PARSE_FAILED")
    elif error.message.startswith("Variable '$"):
        # graphql-core's variable coercion failures: the document is valid, the values not.
        extensions.setdefault("code", "BAD_USER_INPUT")
    else:
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
    formatted["extensions"] = extensions
    return formatted


def error_body(message: str, code: str, request_id: str | None = None) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": code}
    if request_id:
        extensions["requestId"] = request_id
    return {"errors": [{"message": message, "extensions": extensions}]}
