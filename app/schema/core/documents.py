"""A document is parsed and validated once per request, by the HTTP layer, off the event loop.

The endpoint (`app/http/documents.py`) inspects every document before anything runs: it
parses it (bounded by tokens), runs the shape rules, then `VALIDATION_RULES`, in a worker
thread for a document it has not seen, and keeps the result in its cache. It hands the result
to execution on the request context (`RequestContext.document`); `InspectedDocument` then
gives strawberry that parsed document and its (empty) errors, so strawberry neither parses nor
validates it a second time on the event loop.

Whoever calls `schema.execute` without the endpoint (tests, scripts) gets the usual path:
strawberry parses (bounded by `MaxTokensLimiter`) and validates with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError, specified_rules
from graphql.validation import ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from app.schema.core.input_rules import InputValuesRule

# graphql-core's rules, with literal values checked by the rule that names their argument
# path and refuses NUL and lone surrogates (the same `InputHygiene` puts in place), and the
# two rules strawberry adds to every validation (`Maybe` nulls, `@oneOf` inputs).
VALIDATION_RULES = (
    *(InputValuesRule if r is ValuesOfCorrectTypeRule else r for r in specified_rules),
    MaybeNullValidationRule,
    OneOfInputValidationRule,
)


@dataclass(frozen=True, slots=True)
class Inspection:
    """A document as far as it got: parsed (or not) and its request errors (none: valid)."""

    query: str
    document: DocumentNode | None
    errors: list[GraphQLError] = field(default_factory=list)


class InspectedDocument(SchemaExtension):
    """Use the endpoint's inspection of this very document instead of parsing and validating
    it again (see the module docstring); without one, strawberry does both as usual."""

    def _inspection(self) -> Inspection | None:
        context = self.execution_context
        inspection = getattr(context.context, "document", None)
        if isinstance(inspection, Inspection) and inspection.query == context.query:
            return inspection
        return None

    def on_parse(self) -> Iterator[None]:
        inspection = self._inspection()
        if inspection is not None and inspection.document is not None:
            self.execution_context.graphql_document = inspection.document
        yield

    def on_validate(self) -> Iterator[None]:
        inspection = self._inspection()
        if inspection is not None and inspection.document is not None:
            # not None: strawberry's own validation sees it has run and skips
            self.execution_context.pre_execution_errors = list(inspection.errors)
        yield
