"""The ASGI application (`uvicorn app.main:app`, `python -m app serve`)."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.db import Database
from app.http.endpoint import GraphQLEndpoint
from app.http.exports import ConsumptionExport
from app.http.graphiql import ASSETS as GRAPHIQL_ASSETS
from app.http.parquet import prepare_parquet
from app.http.principals import ProcessPrincipals
from app.http.request_id import RequestIdMiddleware
from app.schema import schema
from app.settings import Settings, get_settings


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the application; tests pass their own database (bound to a test transaction)."""
    settings = settings or get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    db = database or Database(settings)
    principals = ProcessPrincipals(settings, db)
    endpoint = GraphQLEndpoint(
        schema, db, settings, principals=principals.cache, usage=principals.usage
    )

    def export(fmt: str) -> ConsumptionExport:
        return ConsumptionExport(db, fmt, principals.cache)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def root(_: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # pyarrow's code and kernels are loaded at start (once per process, ~45 MB), not by
        # the first Parquet export: the first download starts at once and an export's memory
        # is its row group only
        prepare_parquet()
        if database is None:  # a serving process (tests bring their own database)
            # What start-up built (schema, mappers, pyarrow: ~160,000 objects) lives as long as
            # the process: keep it out of the cyclic collector's full passes, which otherwise
            # walk all of it and stall a request for 50-150 ms now and then.
            gc.collect()
            gc.freeze()
            # validation runs in worker threads (app/http/documents.py): the loop gets the
            # interpreter back within this interval, not Python's default 5 ms
            sys.setswitchinterval(settings.switch_interval_ms / 1000)
        principals.start()
        yield
        await principals.close()
        if database is None:
            await db.dispose()

    app = Starlette(
        routes=[
            Route("/", root),
            Route("/healthz", health),
            Route("/graphql", endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            Route("/exports/consumption-details.csv", export("csv")),
            Route("/exports/consumption-details.ndjson", export("ndjson")),
            Route("/exports/consumption-details.parquet", export("parquet")),
            Mount("/graphiql", StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql"),
        ],
        middleware=[Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
    app.state.database = db
    app.state.endpoint = endpoint
    app.state.principals = principals
    return app


app = create_app()
