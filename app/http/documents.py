"""Looking at a GraphQL document before executing it (cached, bounded).

The endpoint needs answers ahead of execution: the operation type (SQLite takes its write
lock up front for mutations; GET may not mutate), and for a request without a token the
parsed, validated document that `app/http/auth.py` checks is introspection only.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

META_FIELDS = frozenset({"__typename", "__schema", "__type"})
MAX_QUERY_LENGTH = 200_000


class DocumentInspector:
    def __init__(
        self,
        schema: GraphQLSchema,
        cache_size: int,
        extra_rules: Sequence[type[ASTValidationRule]] = (),
    ) -> None:
        self._schema = schema
        self._rules = [*specified_rules, *extra_rules]
        self._parse = lru_cache(maxsize=cache_size)(self._parse_uncached)
        self._valid = lru_cache(maxsize=cache_size)(self._valid_uncached)

    @staticmethod
    def _parse_uncached(query: str) -> DocumentNode | None:
        try:
            return parse(query)
        except GraphQLError:
            return None

    def _valid_uncached(self, query: str) -> bool:
        document = self.parse(query)
        return document is not None and not validate(self._schema, document, self._rules)

    def is_valid(self, query: str) -> bool:
        return self._valid(query) if len(query) < MAX_QUERY_LENGTH else False

    def parse(self, query: str) -> DocumentNode | None:
        return self._parse(query) if len(query) < MAX_QUERY_LENGTH else None

    def operation(self, query: str, name: str | None) -> OperationDefinitionNode | None:
        document = self.parse(query)
        return None if document is None else get_operation_ast(document, name)

    def operation_type(self, query: str, name: str | None) -> OperationType | None:
        operation = self.operation(query, name)
        return None if operation is None else operation.operation
