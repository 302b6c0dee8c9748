"""The GraphQL schema: strawberry types, inputs, enums and payloads (declarative, thin)."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.schema.core.documents import InspectedDocument
from app.schema.core.execution import PlainObjectExecutor
from app.schema.core.input_rules import InputHygiene
from app.schema.core.limits import shape_rules
from app.schema.core.scalars import SCALARS
from app.schema.roots import Mutation, Query
from app.settings import Settings, get_settings

log = logging.getLogger("app.graphql")


class PartnerConsoleSchema(strawberry.Schema):
    # The extra validation rules (depth, aliases, repeated fields), for whoever validates
    # outside execution: the endpoint runs them before graphql-core's own rules.
    validation_limits: list[Any] = []
    # Whether root pages load their batched fields ahead (`core/prefetch.py`).
    lookahead_prefetch: bool = False

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors are logged (with the request id) by the HTTP layer, which also masks them."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or get_settings()
    # The shape rules are built once: the validation cache is keyed by the rule classes too,
    # so a fresh class per request would defeat it and re-validate every document. They walk
    # each fragment once (strawberry's depth and alias limiters re-walk it at every spread).
    limits = shape_rules(settings.max_query_depth, settings.max_aliases, settings.max_field_repeats)
    # Factories: a fresh extension per request. The endpoint has parsed and validated the
    # document already, off the event loop and cached (`InspectedDocument` hands that over);
    # the other extensions are the same rules for callers of `execute` without the endpoint.
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(limits),
        InputHygiene,  # refused text in variables and literals, scalar errors with their path
        InspectedDocument,
    ]
    built = PartnerConsoleSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS),
        # None: strawberry's own executor, the fallback should a strawberry or graphql-core
        # upgrade outrun the plan (PLAIN_OBJECT_EXECUTOR=false; CI runs the suite so too).
        execution_context_class=PlainObjectExecutor if settings.plain_object_executor else None,
    )
    built.validation_limits = limits
    # the look-ahead feeds the plans: without them it would load what nothing reads
    built.lookahead_prefetch = settings.lookahead_prefetch and settings.plain_object_executor
    return built


schema = build_schema()
