"""The query parameters of the consumption exports, validated before the first byte.

An export answers 200 only when every parameter is known and well formed: an unknown name (a
typo, or the GraphQL names `serviceTypes`, `customerIds`) would otherwise be ignored and export
everything, and a value only the database could refuse (a NUL, an id beyond 64 bits) would
fail after the 200 was sent and cut the file short. So every refusal happens here: HTTP 400
`BAD_USER_INPUT` naming the parameter (and, for an unknown one, the accepted names).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.datastructures import QueryParams

from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode, ServiceType
from app.resolvers.core.ids import parse_id
from app.services.consumption.queries import ConsumptionFilter
from app.services.core.errors import BadRequest
from app.services.core.text import text_problem

T = TypeVar("T")

SINGLE = ("after", "cycleFrom", "cycleTo")
"""Parameters given at most once."""

REPEATABLE = ("customerId", "serviceType", "region", "billingMode", "resourceId", "kind")
"""Parameters repeated for several values (any of them matches)."""

ACCEPTED = tuple(sorted((*SINGLE, *REPEATABLE)))
MAX_VALUES = 100  # per repeatable parameter, as a GraphQL filter list
MAX_VALUE_LENGTH = 128
MAX_ID = 2**63 - 1
_CYCLE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])", re.ASCII)
_ROW_ID = re.compile(r"[1-9][0-9]{0,18}", re.ASCII)


def _check_names(params: QueryParams) -> None:
    unknown = sorted({name for name in params if name not in ACCEPTED})
    if unknown:
        shown = ", ".join(repr(name) for name in unknown)
        raise BadRequest(
            f"Unknown query parameter {shown}; the accepted parameters are "
            f"{', '.join(ACCEPTED)} (repeat a parameter for several values)."
        )
    for name in SINGLE:
        if len(params.getlist(name)) > 1:
            raise BadRequest(f"`{name}` may be given once.")
    for name in REPEATABLE:
        if len(params.getlist(name)) > MAX_VALUES:
            raise BadRequest(f"`{name}` may be given at most {MAX_VALUES} times.")


def _check_text(name: str, value: str) -> str:
    if problem := text_problem(value):
        raise BadRequest(f"`{name}` is invalid: {problem}.")
    if len(value) > MAX_VALUE_LENGTH:
        raise BadRequest(f"`{name}` is longer than {MAX_VALUE_LENGTH} characters.")
    return value


def _values(
    params: QueryParams, name: str, parse: Callable[[str], T | None], expected: str
) -> tuple[T, ...] | None:
    values = [_check_text(name, v) for v in params.getlist(name)]
    if not values:
        return None
    parsed = []
    for value in values:
        result = parse(value)
        if result is None:
            raise BadRequest(f"`{name}` must be {expected}; got {value!r}.")
        parsed.append(result)
    return tuple(parsed)


def _enum(enum: Any) -> Callable[[str], Any]:
    return enum.__members__.get


def _cycle(params: QueryParams, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if _CYCLE.fullmatch(_check_text(name, value)) is None:
        raise BadRequest(f"`{name}` must be a bill cycle YYYY-MM, e.g. 2026-06; got {value!r}.")
    return value


def _after(params: QueryParams) -> int:
    raw = params.get("after")
    if raw is None:
        return 0
    _check_text("after", raw)
    if _ROW_ID.fullmatch(raw) and int(raw) <= MAX_ID:
        return int(raw)
    parsed = parse_id(raw, "ConsumptionDetail")
    if parsed is None:
        raise BadRequest(
            "`after` must be the `id` of an exported row (a ConsumptionDetail id, or its "
            f"number from 1 to {MAX_ID}); got {raw!r}."
        )
    return parsed


def parse_export_params(params: QueryParams) -> tuple[ConsumptionFilter, int]:
    """The export's filter and its resume point; `BadRequest` for anything malformed."""
    _check_names(params)
    names = ", ".join(m.name for m in ServiceType)
    return (
        ConsumptionFilter(
            cycle_from=_cycle(params, "cycleFrom"),
            cycle_to=_cycle(params, "cycleTo"),
            customer_ids=_values(
                params, "customerId", lambda v: parse_id(v, "Customer"), "a Customer id"
            ),
            service_types=_values(params, "serviceType", _enum(ServiceType), f"one of {names}"),
            regions=_values(params, "region", lambda v: v, "a region"),
            billing_modes=_values(
                params,
                "billingMode",
                _enum(BillingMode),
                f"one of {', '.join(m.name for m in BillingMode)}",
            ),
            resource_ids=_values(
                params, "resourceId", lambda v: parse_id(v, "Resource"), "a Resource id"
            ),
            kinds=_values(
                params, "kind", _enum(DetailKind), f"one of {', '.join(m.name for m in DetailKind)}"
            ),
        ),
        _after(params),
    )
