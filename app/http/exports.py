"""Streaming exports of consumption details for BI tools (CSV, NDJSON and Parquet).

`GET /exports/consumption-details.csv|.ndjson` with the filters of `consumptionDetails` as
query parameters (`cycleFrom`, `cycleTo`, `customerId`, `serviceType`, `region`,
`billingMode`, `resourceId`, `kind`; repeat a parameter for several values) and
`after=<id>`: rows come in id order and every row's `id` is its own resume point, so an
interrupted download resumes with `after=<last id received>`.

Bearer auth as /graphql (401 without a valid token); ADMIN, FINANCE, VIEWER and the
platform may export (Permission.EXPORT), through the same tenant scope as the API (a SALES
user could not export at all). Rows stream from a server-side cursor on a connection of
their own (`yield_per`), so memory stays constant whatever the size; gzip when accepted
(CSV, NDJSON). Parquet (`app/http/parquet.py`) sends each row group as soon as it is
written, so memory stays bounded by one row group; amounts are decimal(38, 8).
"""

from __future__ import annotations

import csv
import io
import logging
import zlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from sqlalchemy import BigInteger, String, type_coerce
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from app.db import Database
from app.globalid import to_global_id
from app.http.auth import (
    authenticate,
    bearer_token,
    http_error_code,
    new_request_id,
)
from app.http.errors import error_body
from app.http.export_params import parse_export_params
from app.http.negotiation import HttpError
from app.http.parquet import DECIMAL_COLUMNS, parquet_chunks
from app.models import ConsumptionDetail
from app.services.consumption import exports
from app.services.consumption.queries import ConsumptionFilter
from app.services.core import cross_partner
from app.services.core.context import ServiceContext
from app.services.core.errors import BadRequest, PermissionDenied
from app.services.core.principal import Principal
from app.services.core.principal_cache import PrincipalCache
from app.settings import get_settings

log = logging.getLogger("app.http.exports")

COLUMNS = (
    "id",
    "bill_cycle",
    "day",
    "kind",
    "customer_id",
    "resource_id",
    "product_id",
    "order_id",
    "service_type",
    "region",
    "billing_mode",
    "usage",
    "unit",
    "unit_price",
    "list_amount",
    "discount",
    "coupon",
    "cash_paid",
    "credit_paid",
    "amount_due",
    "corrects_cycle",
    "corrects_day",
)


def _minor8(value: int | None) -> str | None:
    """An amount stored as an integer of 1e-8 units, as exact decimal text."""
    if value is None:
        return None
    sign, value = ("-", -value) if value < 0 else ("", value)
    return f"{sign}{value // 100_000_000}.{value % 100_000_000:08d}"


def _fast_columns(stmt: Any) -> Any:
    """The export's columns without per-value type conversion: amounts as their stored
    integers and enums as their stored text (formatted by `_values`, much faster)."""
    table = ConsumptionDetail.__table__
    columns = []
    for name in COLUMNS:
        column = table.c[name]
        if name in DECIMAL_COLUMNS:
            columns.append(type_coerce(column, BigInteger).label(name))
        elif name in ("kind", "service_type", "billing_mode"):
            columns.append(type_coerce(column, String).label(name))
        else:
            columns.append(column)
    return stmt.with_only_columns(*columns)


def _values(row: Any) -> dict[str, Any]:
    """One exported row: public ids, exact decimal text, ISO dates."""
    (
        row_id,
        bill_cycle,
        day,
        kind,
        customer_id,
        resource_id,
        product_id,
        order_id,
        service_type,
        region,
        billing_mode,
        usage,
        unit,
        unit_price,
        list_amount,
        discount,
        coupon,
        cash_paid,
        credit_paid,
        amount_due,
        corrects_cycle,
        corrects_day,
    ) = row
    return {
        "id": to_global_id("ConsumptionDetail", row_id),
        "bill_cycle": bill_cycle,
        "day": str(day),
        "kind": kind,
        "customer_id": to_global_id("Customer", customer_id),
        "resource_id": None if resource_id is None else to_global_id("Resource", resource_id),
        "product_id": None if product_id is None else to_global_id("Product", product_id),
        "order_id": None if order_id is None else to_global_id("Order", order_id),
        "service_type": service_type,
        "region": region,
        "billing_mode": billing_mode,
        "usage": _minor8(usage),
        "unit": unit,
        "unit_price": _minor8(unit_price),
        "list_amount": _minor8(list_amount),
        "discount": _minor8(discount),
        "coupon": _minor8(coupon),
        "cash_paid": _minor8(cash_paid),
        "credit_paid": _minor8(credit_paid),
        "amount_due": _minor8(amount_due),
        "corrects_cycle": corrects_cycle,
        "corrects_day": None if corrects_day is None else str(corrects_day),
    }


def parse_filter(request: Request) -> tuple[ConsumptionFilter, int]:
    """The export's filter and its resume point from the query string (all validated)."""
    return parse_export_params(request.query_params)


class ConsumptionExport:
    """ASGI endpoint of one export format (`csv` or `ndjson`)."""

    def __init__(
        self, database: Database, fmt: str, principals: PrincipalCache | None = None
    ) -> None:
        self.database = database
        self.fmt = fmt
        self.principals = principals

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        request_id = new_request_id(request)
        try:
            raw = bearer_token(request)
            async with self.database.session(read_only=True, retry_stale=True) as session:
                principal, _ = await authenticate(session, raw, self.principals)
                ctx = ServiceContext(session, principal, request_id)
                # refused before the parameters are read: a caller who may not export
                # gets 403 whatever it sent
                exports.require_export(principal)
                consumption_filter, after = parse_filter(request)
                stmt = exports.export_statement(ctx, consumption_filter, after)
                await session.rollback()
        except HttpError as error:
            return JSONResponse(
                error_body(error.message, http_error_code(error), request_id),
                error.status,
                headers={**error.headers, "X-Request-ID": request_id},
            )
        except PermissionDenied as error:
            return JSONResponse(error_body(str(error), "FORBIDDEN", request_id), 403)
        except BadRequest as error:
            return JSONResponse(error_body(str(error), "BAD_USER_INPUT", request_id), 400)
        stmt = _fast_columns(stmt)
        gzip = "gzip" in request.headers.get("accept-encoding", "").lower()
        headers = {"X-Request-ID": request_id, "Cache-Control": "no-store"}
        if self.fmt == "parquet":
            return StreamingResponse(
                _as(principal, self._parquet(stmt)),
                media_type="application/vnd.apache.parquet",
                headers=headers,
            )
        media = "text/csv; charset=utf-8" if self.fmt == "csv" else "application/x-ndjson"
        if gzip:
            headers["Content-Encoding"] = "gzip"
        return StreamingResponse(
            _as(principal, self._stream(stmt, gzip)), media_type=media, headers=headers
        )

    async def _parquet(self, stmt: Any) -> AsyncIterator[bytes]:
        settings = get_settings()
        batch = settings.export_batch_rows
        async with self.database.reader() as connection:
            result = await connection.stream(stmt.execution_options(yield_per=batch))
            async for chunk in parquet_chunks(
                COLUMNS, result.partitions(batch), settings.parquet_row_group_rows
            ):
                yield chunk

    async def _stream(self, stmt: Any, gzip: bool) -> AsyncIterator[bytes]:
        batch = get_settings().export_batch_rows
        compressor = zlib.compressobj(wbits=31) if gzip else None

        def out(data: bytes) -> bytes:
            return compressor.compress(data) if compressor else data

        if self.fmt == "csv":
            yield out((",".join(COLUMNS) + "\r\n").encode())
        async with self.database.reader() as connection:
            result = await connection.stream(stmt.execution_options(yield_per=batch))
            async for rows in result.partitions(batch):
                if self.fmt == "csv":
                    buffer = io.StringIO()
                    writer = csv.writer(buffer)
                    writer.writerows(
                        ["" if v is None else v for v in _values(row).values()] for row in rows
                    )
                    data = buffer.getvalue().encode("utf-8")
                else:
                    data = b"".join(orjson.dumps(_values(row)) + b"\n" for row in rows)
                chunk = out(data)
                if chunk:
                    yield chunk
        if compressor:
            yield compressor.flush()


async def _as(principal: Principal, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The export's chunks, each read in the caller's scope (the platform's export spans
    partners), entered around each step so no scope is held across a `yield`."""
    iterator = aiter(chunks)
    while True:
        with cross_partner.for_principal(principal):
            try:
                chunk = await anext(iterator)
            except StopAsyncIteration:
                return
        yield chunk
