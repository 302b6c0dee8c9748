"""The GraphQL schema: strawberry types, inputs, enums and payloads (declarative, thin)."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.schema.roots import Mutation, Query
from app.schema.scalars import SCALARS
from app.settings import get_settings

log = logging.getLogger("app.graphql")


class PartnerConsoleSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors are logged (with the request id) by the HTTP layer, which also masks them."""


def build_schema() -> strawberry.Schema:
    settings = get_settings()
    # Factories: a fresh extension per request (the parse/validate LRU caches are shared).
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=settings.document_cache_size),
        lambda: ValidationCache(maxsize=settings.document_cache_size),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
    ]
    return PartnerConsoleSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS),
    )


schema = build_schema()
