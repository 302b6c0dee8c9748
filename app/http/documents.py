"""Looking at a GraphQL document before executing it (cached, bounded).

The endpoint needs two answers ahead of execution: the operation type (SQLite takes its
write lock up front for mutations; GET may not mutate) and whether an anonymous request may
run it. Without a token only documents that touch no data run: introspection-only
operations (`__typename`, `__schema`, `__type`) and documents that fail to parse or validate
(their errors describe the public schema, nothing else). That keeps GraphiQL's docs and the
GraphQL-over-HTTP conformance checks working before a token is pasted.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
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

    def runs_without_token(self, query: str, name: str | None) -> bool:
        """True if executing touches no data: it fails before execution or only introspects."""
        document = self.parse(query)
        if document is None:
            return True
        operation = get_operation_ast(document, name)
        if operation is None or not self._valid(query):
            return True
        fragments = {
            d.name.value: d.selection_set
            for d in document.definitions
            if d.kind == "fragment_definition"  # type: ignore[attr-defined]
        }
        return _only_meta(operation.selection_set, fragments, set())


def _only_meta(
    selections: SelectionSetNode, fragments: dict[str, SelectionSetNode], seen: set[str]
) -> bool:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value not in META_FIELDS:
                return False
        elif isinstance(selection, InlineFragmentNode):
            if not _only_meta(selection.selection_set, fragments, seen):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            if name not in fragments or not _only_meta(fragments[name], fragments, seen):
                return False
    return True
