"""GraphQL over HTTP: request parameters and response media types."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
# Deeper than any real request (variables nest as deep as the input types, at most ~10);
# deeper bodies are refused before graphql-core or a recursive walk ever sees them.
MAX_JSON_DEPTH = 64


class HttpError(Exception):
    """A request the GraphQL layer never sees: answered with `status` and a GraphQL error."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(slots=True)
class GraphQLParams:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def _accept_entries(header: str) -> list[tuple[str, float]]:
    entries = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            entries.append((media.lower(), q))
    return entries


def choose_media_type(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None if we can offer none.

    `application/graphql-response+json` when the client asks for it (and prefers it at
    least as much as `application/json`); `application/json` for legacy clients, wildcards
    and a missing header.
    """
    if not accept:
        return JSON
    quality: dict[str, float] = {}
    for media, q in _accept_entries(accept):
        quality[media] = max(quality.get(media, 0.0), q)
    wildcard = max(quality.get("*/*", 0.0), quality.get("application/*", 0.0))
    graphql_q = quality.get(GRAPHQL_RESPONSE_JSON, 0.0)
    json_q = quality.get(JSON, wildcard)
    if graphql_q > 0 and graphql_q >= json_q:
        return GRAPHQL_RESPONSE_JSON
    if json_q > 0:
        return JSON
    return None


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is beyond a JSON number's range")
    return value


def _too_deep(value: Any) -> bool:
    """Whether arrays and objects nest deeper than MAX_JSON_DEPTH (a walk without recursion
    over the decoded value; the query text is one string, so this is cheap)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_json(text: str | bytes, what: str) -> Any:
    """Strict JSON: no NaN or Infinity (they are not JSON, and no GraphQL value), no number
    beyond a float's range, at most MAX_JSON_DEPTH levels deep; an `HttpError` 400 else."""
    too_deep = HttpError(400, f"{what} nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:  # the decoder's own guard, far deeper than ours
        raise too_deep from None
    except ValueError as exc:
        raise HttpError(400, f"{what} is not valid JSON ({exc}).") from exc
    if _too_deep(value):
        raise too_deep
    return value


def _json_param(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw in (None, ""):
        return None
    value = parse_json(raw, f"`{name}`")
    if value is not None and not isinstance(value, dict):
        raise HttpError(400, f"`{name}` must be a JSON object.")
    return value


def _check_types(data: dict[str, Any]) -> GraphQLParams:
    query = data.get("query")
    if not isinstance(query, str):
        raise HttpError(400, "`query` must be a string holding a GraphQL document.")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HttpError(400, "`operationName` must be a string or null.")
    for key in ("variables", "extensions"):
        if data.get(key) is not None and not isinstance(data.get(key), dict):
            raise HttpError(400, f"`{key}` must be an object or null.")
    return GraphQLParams(query, data.get("variables"), operation_name, data.get("extensions"))


async def read_params(request: Request) -> GraphQLParams:
    """Parameters of a GET (query string) or POST (JSON body) GraphQL request."""
    if request.method == "GET":
        params = request.query_params
        if "query" not in params:
            raise HttpError(400, "A GET request needs a `query` parameter.")
        return _check_types(
            {
                "query": params.get("query"),
                "operationName": params.get("operationName") or None,
                "variables": _json_param(params.get("variables"), "variables"),
                "extensions": _json_param(params.get("extensions"), "extensions"),
            }
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise HttpError(415, "Send the request body as `application/json`.")
    body = await request.body()
    data = parse_json(body, "The request body")
    if isinstance(data, list):
        raise HttpError(400, "Batched requests are not supported; send one operation per request.")
    if not isinstance(data, dict):
        raise HttpError(400, "The request body must be a JSON object.")
    return _check_types(data)
