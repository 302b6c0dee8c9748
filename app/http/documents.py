"""Looking at a GraphQL document before executing it (cached, bounded).

Every request's document goes through `inspect` before anything else looks at it, in this
order, each step bounded by the one before:

1. its size: over `max_document_bytes` it is refused (HTTP 413) unread;
2. parsing, which stops at `max_tokens` (HTTP 400 `TOO_MANY_TOKENS`);
3. our shape rules (depth, aliases, repeated fields), linear in the document, before any of
   graphql-core's rules -- some of those are quadratic in repeated fields;
4. graphql-core's validation.

Then `select` picks the one operation that runs (the spec's rule: several operations need an
`operationName`), and the endpoint locks, authorizes and costs that operation. Without a
token only operations that touch no data run: introspection-only ones (`__typename`,
`__schema`, `__type`; `app/http/auth.py` decides). Documents that fail to parse or validate
get their errors (they describe the public schema, nothing else). That keeps GraphiQL's docs
and the GraphQL-over-HTTP conformance checks working before a token is pasted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ValuesOfCorrectTypeRule

from app.http.negotiation import HttpError
from app.schema.core.input_rules import InputValuesRule

# graphql-core's rules, with literal values checked by the rule that names their argument
# path and refuses NUL and lone surrogates (the same the schema's InputHygiene runs).
GRAPHQL_RULES = [InputValuesRule if r is ValuesOfCorrectTypeRule else r for r in specified_rules]


@dataclass(frozen=True, slots=True)
class Inspection:
    """A document as far as it got: parsed (or not) and its request errors (none: valid)."""

    document: DocumentNode | None
    errors: list[GraphQLError] = field(default_factory=list)


class DocumentRefusal(HttpError):
    """A document refused before any rule ran: too large (413) or too many tokens (400)."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(status, message)
        self.code = code


class DocumentInspector:
    def __init__(
        self,
        schema: GraphQLSchema,
        cache_size: int,
        extra_rules: Sequence[type[ASTValidationRule]] = (),
        *,
        max_tokens: int = 5000,
        max_document_bytes: int = 100_000,
    ) -> None:
        self._schema = schema
        self._limit_rules = list(extra_rules)
        self.max_tokens = max_tokens
        self.max_document_bytes = max_document_bytes
        self._inspect = lru_cache(maxsize=cache_size)(self._inspect_uncached)

    def check_size(self, query: str) -> None:
        """Refuse a document over the size bound before it is read any further."""
        # a character is at most 4 UTF-8 bytes: the cheap test first, then the exact one
        if len(query) * 4 <= self.max_document_bytes:
            return
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > self.max_document_bytes:
            raise DocumentRefusal(
                413,
                f"The GraphQL document is {size} bytes; the most accepted is "
                f"{self.max_document_bytes}.",
                "DOCUMENT_TOO_LARGE",
            )

    def inspect(self, query: str) -> Inspection:
        self.check_size(query)
        return self._inspect(query)

    def _inspect_uncached(self, query: str) -> Inspection:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLSyntaxError as error:
            if "more than" in error.message and "tokens" in error.message:
                raise DocumentRefusal(
                    400,
                    f"The GraphQL document has more than {self.max_tokens} tokens.",
                    "TOO_MANY_TOKENS",
                ) from None
            return Inspection(None, [error])
        errors = validate(self._schema, document, self._limit_rules)
        if not errors:
            errors = validate(self._schema, document, GRAPHQL_RULES)
        return Inspection(document, list(errors))

    @staticmethod
    def select(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
        """The operation that runs; a request error when the document does not say which."""
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if name is None:
            if len(operations) == 1:
                return operations[0]
            raise HttpError(
                400,
                f"The document has {len(operations)} operations: say which one to run with "
                "`operationName`.",
            )
        for operation in operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        raise HttpError(400, f"The document has no operation named '{name}'.")
