"""Looking at a GraphQL document before executing it (cached, bounded).

Every request's document goes through `inspect` before anything else looks at it, in this
order, each step bounded by the one before:

1. its size: over `max_document_bytes` it is refused (HTTP 413) unread;
2. parsing, which stops at `max_tokens` (HTTP 400 `TOO_MANY_TOKENS`);
3. our shape rules (depth, aliases, repeated fields), linear in the document, before any of
   graphql-core's rules -- some of those are quadratic in repeated fields;
4. graphql-core's validation (`VALIDATION_RULES`, strawberry's two rules included).

Steps 2-4 run in a worker thread for a document not in the cache: validating a large valid
document takes tens of milliseconds of pure Python, and on the event loop that would stall
every other request of the worker. Off the loop, the interpreter hands the loop back every
few milliseconds (`sys.getswitchinterval()`), so other requests keep being served. The result
goes to execution with the request (`app/schema/core/documents.py`): strawberry neither parses
nor validates the document again.

Then `select` picks the one operation that runs (the spec's rule: several operations need an
`operationName`), and the endpoint locks, authorizes and costs that operation. Without a
token only operations that touch no data run: introspection-only ones (`__typename`,
`__schema`, `__type`; `app/http/auth.py` decides). Documents that fail to parse or validate
get their errors (they describe the public schema, nothing else). That keeps GraphiQL's docs
and the GraphQL-over-HTTP conformance checks working before a token is pasted."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from cachetools import LRUCache
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    validate,
)

from app.http.negotiation import HttpError
from app.schema.core.documents import VALIDATION_RULES, Inspection

# How many distinct document texts are remembered (as hashes) to recognise a repeat.
SEEN_DOCUMENTS = 8192


def _size(inspection: Inspection) -> int:
    return len(inspection.query.encode("utf-8", "surrogatepass"))


class DocumentRefusal(HttpError):
    """A document refused before any rule ran: too large (413) or too many tokens (400)."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(status, message)
        self.code = code


class DocumentInspector:
    def __init__(
        self,
        schema: GraphQLSchema,
        cache_bytes: int,
        extra_rules: Sequence[type[ASTValidationRule]] = (),
        *,
        max_tokens: int = 5000,
        max_document_bytes: int = 100_000,
    ) -> None:
        self._schema = schema
        self._limit_rules = list(extra_rules)
        self.max_tokens = max_tokens
        self.max_document_bytes = max_document_bytes
        # Weighed by the document's length: a syntax tree costs ~0.7 heap objects per byte,
        # and every one of them is walked by each full pass of the garbage collector (which
        # stops every thread). Only a document seen before is kept (`_seen` remembers hashes
        # of texts, which the collector does not walk): a stream of distinct documents never
        # fills the heap with trees, the console's screens are kept from their second request.
        # Both are written only on the event loop's thread.
        self._cache: LRUCache[str, Inspection] = LRUCache(maxsize=cache_bytes, getsizeof=_size)
        self._seen: LRUCache[int, bool] = LRUCache(maxsize=SEEN_DOCUMENTS)

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

    async def inspect(self, query: str) -> Inspection:
        """The document's inspection: from the cache, or computed off the event loop (and
        kept from the second time the same text arrives)."""
        self.check_size(query)
        inspection = self._cache.get(query)
        if inspection is None:
            inspection = await asyncio.to_thread(self.inspect_uncached, query)
            seen = hash(query)
            if self._seen.pop(seen, False) and _size(inspection) <= self._cache.maxsize:
                self._cache[query] = inspection
            else:
                self._seen[seen] = True
        return inspection

    def inspect_uncached(self, query: str) -> Inspection:
        """Parse, shape rules, graphql rules: in this thread (`inspect` runs it in a worker)."""
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLSyntaxError as error:
            if "more than" in error.message and "tokens" in error.message:
                raise DocumentRefusal(
                    400,
                    f"The GraphQL document has more than {self.max_tokens} tokens.",
                    "TOO_MANY_TOKENS",
                ) from None
            return Inspection(query, None, [error])
        errors = self._validate(document, self._limit_rules)
        if not errors:
            errors = self._validate(document, VALIDATION_RULES)
        return Inspection(query, document, errors)

    def _validate(
        self, document: DocumentNode, rules: Sequence[type[ASTValidationRule]]
    ) -> list[GraphQLError]:
        """graphql-core's `validate`, then each rule instance is emptied.

        A rule holds itself in a reference cycle (the bound methods its visitor caches) with
        everything it gathered on the way; left alone, that is freed only by the collector's
        full passes, which stop every thread (tens of milliseconds after a few large
        documents). Emptied here, reference counting frees most of it at once, in this
        worker thread."""
        made: list[Any] = []

        def recording(rule: type[ASTValidationRule]) -> Any:
            def make(context: Any) -> Any:
                made.append(rule(context))
                return made[-1]

            return make

        try:
            return validate(self._schema, document, [recording(r) for r in rules])
        finally:
            contexts = {id(r.context): r.context for r in made if hasattr(r, "context")}
            for instance in [*made, *contexts.values()]:
                vars(instance).clear()

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
