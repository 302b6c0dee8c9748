"""The /graphql endpoint: auth, GraphQL over HTTP, and the request's unit of work.

One request = one unit of work: the session is created here. A mutation's is one
transaction, every mutation runs in its own savepoint inside it, and the request commits at
the end unless something unexpected happened (then it rolls back and the error is masked with
the request id). A query's is read-only: no BEGIN/COMMIT (`read_only_autocommit`), and a write
fails.

The token is checked through the process's principal cache (`principal_cache`), and its
`lastUsedAt` is recorded for a batched write off the request's path (`TokenUsage`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError, OperationType
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType as StrawberryOperationType

from app import clock
from app.context import RequestContext
from app.db import Database
from app.http.auth import (
    authenticate,
    bearer_token,
    http_error_code,
    introspection_only,
    missing_token,
    new_request_id,
)
from app.http.budget import BudgetRefusal, QueryBudget, bucket_key
from app.http.documents import DocumentInspector
from app.http.errors import error_body, format_error, is_unexpected
from app.http.graphiql import graphiql_html
from app.http.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    HttpError,
    choose_media_type,
    read_params,
    wants_html,
)
from app.services.core import cross_partner
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from app.services.core.principal_cache import PrincipalCache
from app.services.partners.token_usage import TokenUsage
from app.settings import Settings

log = logging.getLogger("app.http")

OPERATION_ERRORS = (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError)
ALLOWED_ON_GET = {StrawberryOperationType.QUERY}
ALLOWED_ON_POST = {StrawberryOperationType.QUERY, StrawberryOperationType.MUTATION}


def _dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON; text that is not valid Unicode (a lone surrogate a client sent in
    a string and an error message repeats) is escaped instead of failing the response."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def _json_response(body: Any, status: int, media_type: str, request_id: str) -> Response:
    return Response(
        _dumps(body),
        status_code=status,
        media_type=media_type,
        headers={"X-Request-ID": request_id},
    )


def commits(data: dict[str, Any] | None, errors: list[GraphQLError]) -> bool:
    """Whether the request's unit of work commits.

    It commits what the answer reports: nothing unexpected happened, and there is `data`. When
    an error nulls `data` (a non-null root field failed: FORBIDDEN, BAD_USER_INPUT), the client
    sees no result of any field, so nothing of the request is kept either: a mutation that ran
    before the failed one in the same document is rolled back with it.
    """
    return data is not None and not any(is_unexpected(e) for e in errors)


class GraphQLEndpoint:
    """ASGI endpoint for GET/POST /graphql (and GraphiQL for browsers)."""

    def __init__(
        self,
        schema: strawberry.Schema,
        database: Database,
        settings: Settings,
        *,
        principals: PrincipalCache | None = None,
        usage: TokenUsage | None = None,
    ) -> None:
        self.schema = schema
        self.database = database
        self.settings = settings
        self.principals = principals
        self.usage = usage or TokenUsage(database, settings.token_last_used_flush_seconds)
        self.documents = DocumentInspector(
            schema._schema,
            settings.document_cache_bytes,
            getattr(schema, "validation_limits", ()),
            max_tokens=settings.max_tokens,
            max_document_bytes=settings.max_document_bytes,
        )
        self.budget = QueryBudget(schema._schema, settings)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        request = Request(scope, receive)
        response = await self.handle(request)
        # what the server spent on it (browser devtools and benchmarks read it)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        request_id = new_request_id(request)
        if request.method == "GET" and wants_html(request) and self.settings.graphiql:
            return HTMLResponse(graphiql_html(), headers={"X-Request-ID": request_id})
        media_type = choose_media_type(request.headers.get("accept"))
        try:
            if request.method not in ("GET", "POST"):
                raise HttpError(405, "Use GET or POST.", {"Allow": "GET, POST"})
            if media_type is None:
                raise HttpError(
                    406, "Accept application/graphql-response+json or application/json."
                )
            await self._check_request_size(request)
            raw_token = bearer_token(request)
            params = await read_params(request)
            return await self._execute(request, params, raw_token, media_type, request_id)
        except HttpError as error:
            response = _json_response(
                error_body(error.message, http_error_code(error), request_id),
                error.status,
                media_type or "application/json",
                request_id,
            )
            response.headers.update(error.headers)
            return response

    async def _check_request_size(self, request: Request) -> None:
        """413 for a body (or GET query string) over `max_request_bytes`, read no further."""
        limit = self.settings.max_request_bytes
        too_large = HttpError(413, f"The request is larger than {limit} bytes.")
        too_large.code = "REQUEST_TOO_LARGE"  # type: ignore[attr-defined]
        if request.method == "GET":
            if len(request.scope.get("query_string", b"")) > limit:
                raise too_large
            return
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        # what Request.body() returns from now on (Starlette keeps the body there)
        request._body = b"".join(chunks)

    def _request_errors(
        self, errors: list[GraphQLError], media_type: str, request_id: str
    ) -> Response:
        """Parse or validation errors: nothing ran (400 for graphql-response+json clients)."""
        body = {"errors": [format_error(e, request_id) for e in errors]}
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
        return _json_response(body, status, media_type, request_id)

    async def _execute(
        self,
        request: Request,
        params: Any,
        raw_token: str | None,
        media_type: str,
        request_id: str,
    ) -> Response:
        # The document's size, tokens and shape are checked before any other rule runs, and the
        # one operation that will run is chosen here: it is the one locked, authorized and costed.
        inspection = await self.documents.inspect(params.query)
        if inspection.document is None or inspection.errors:
            return self._request_errors(inspection.errors, media_type, request_id)
        document = inspection.document
        selected = self.documents.select(document, params.operation_name)
        operation = selected.operation
        if request.method == "GET" and operation is OperationType.MUTATION:
            response = _json_response(
                error_body("Mutations need POST.", "BAD_REQUEST", request_id),
                405,
                media_type,
                request_id,
            )
            response.headers["Allow"] = "POST"
            return response
        allowed = ALLOWED_ON_GET if request.method == "GET" else ALLOWED_ON_POST
        if raw_token is None and not introspection_only(selected, document):
            raise missing_token()  # without a token nothing runs but introspection
        mutation = operation is OperationType.MUTATION
        session = self.database.session(write=mutation, read_only=not mutation, retry_stale=True)
        admission = None
        answered = False
        try:
            if raw_token is None:
                principal, touch_due = Principal.anonymous(), False
            else:
                principal, touch_due = await authenticate(session, raw_token, self.principals)
            client = request.client.host if request.client else None
            admission = self.budget.admit(
                bucket_key(principal, client), document, selected, params.variables
            )
            context = RequestContext(ServiceContext(session, principal, request_id), inspection)
            # the one place a request's principal is known: the platform's reads span partners
            with cross_partner.for_principal(principal):
                result = await self.schema.execute(
                    params.query,
                    variable_values=params.variables,
                    context_value=context,
                    operation_name=params.operation_name,
                    allowed_operation_types=allowed,
                    operation_extensions=params.extensions,
                )
            context.release()  # the answer is plain data now: free the request's objects
            errors = result.errors or []
            await session.end(commit=commits(result.data, errors))
            answered = True
        except HttpError:
            raise
        except BudgetRefusal as refusal:
            if refusal.error is not None:
                return self._request_errors([refusal.error], media_type, request_id)
            body = error_body(refusal.message, refusal.code, request_id)
            body["extensions"] = {"cost": refusal.cost}
            if refusal.code == "THROTTLED":
                response = _json_response(body, 429, media_type, request_id)
                # whole seconds, rounded up: the same number the message gives
                response.headers["Retry-After"] = str(refusal.retry_after)
                return response
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
            return _json_response(body, status, media_type, request_id)
        except OPERATION_ERRORS as exc:
            # No operation by that name, or not allowed over this method: a request error.
            if isinstance(exc, InvalidOperationTypeError):
                status, message = 405, exc.as_http_error_reason(request.method)
            elif isinstance(exc, CannotGetOperationTypeError):
                status, message = 400, exc.as_http_error_reason()
            else:
                status, message = 400, "No GraphQL query found in the request."
            body = error_body(message, "BAD_REQUEST", request_id)
            return _json_response(body, status, media_type, request_id)
        except Exception:
            log.exception("request %s failed", request_id)
            body = error_body("Unexpected error.", "INTERNAL_SERVER_ERROR", request_id)
            return _json_response(body, 500, media_type, request_id)
        finally:
            # A reservation is always settled: a request that returns no answer (a bug, an
            # operation error, the client going away) delivered nothing and keeps nothing.
            # Synchronous, so a cancellation can't cut it.
            if admission is not None and not answered:
                self.budget.settle(admission, None)
            # Whatever happened (a refusal, a bug, the client going away and this task being
            # cancelled), the unit of work ends: statements in flight finish, then it rolls
            # back unless it was committed above. Shielded, so a cancellation can't cut it.
            with contextlib.suppress(Exception):
                await session.end(commit=False)

        body: dict[str, Any] = {}
        if errors:
            body["errors"] = [format_error(e, request_id) for e in errors]
        request_error = result.data is None and all(e.path is None for e in errors)
        if not request_error:
            body["data"] = result.data
        extensions = dict(result.extensions or {})
        if admission is not None:
            extensions["cost"] = self.budget.settle(admission, result.data)
        if extensions:
            body["extensions"] = extensions
        status = 400 if request_error and media_type == GRAPHQL_RESPONSE_JSON else 200
        response = _json_response(body, status, media_type, request_id)
        if touch_due and principal.token_id is not None:
            self.usage.record(principal.token_id, clock.now())
            if self.usage.immediate:
                response.background = BackgroundTask(self.usage.flush)
        return response
