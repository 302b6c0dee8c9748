"""Validation limits on a document's shape: depth, aliases and repeated fields.

strawberry's depth and alias limiters re-walk a fragment at every spread, so a chain of 20
fragments each spreading the previous one twice (under 1 kB) costs 2^20 walks and stalls the
worker for seconds. Here one walk of the document computes every figure, and each fragment's
figures are computed once and reused at every spread (memoised, cycle-safe: a spread back into
a fragment being walked adds nothing; `NoFragmentCycles` reports the cycle).

- depth: nesting of fields with a selection set (introspection fields count 0), as strawberry's.
- aliases: counted with multiplicity (a fragment with 3 aliases spread 4 times is 12), as the
  executor would resolve them, but computed linearly.
- repeated fields: how many copies of one field merge into one -- how often a response name
  occurs in one selection set once inline fragments and fragment spreads are merged into it,
  multiplied through nesting (20 `viewer`s each holding 20 `partner`s merge 400 `partner`s).
  graphql-core's `OverlappingFieldsCanBeMerged` compares such copies pairwise (1,200 copies of
  `viewer { kind }` take ~1.4 s, 20 x 20 nested ~1 s), so the document is refused before that
  rule runs (the endpoint runs these rules first).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


@dataclass(slots=True)
class Figures:
    """What one selection set (with everything below it) adds up to."""

    depth: int = 0
    aliases: int = 0
    # response name -> occurrences in this selection set, fragments and inline fragments merged
    names: Counter[str] = field(default_factory=Counter)
    # response name -> the largest `merged` figure of those fields' own selection sets
    below: dict[str, int] = field(default_factory=dict)
    # how many copies of one field this set can merge into one: along any path of response
    # names, the product of each level's occurrences (a bound on graphql-core's group sizes),
    # with the response name at this level that path starts from
    merged: int = 0
    merged_name: str = ""


@dataclass(slots=True)
class OperationShape:
    """An operation's figures (or a fragment's: every definition is checked)."""

    name: str
    node: OperationDefinitionNode | FragmentDefinitionNode
    depth: int
    aliases: int
    merged: int  # the most copies of one field merged into one (see Figures.merged)
    merged_name: str


# Selection sets, inline fragments and fragment spreads nested in one another, counted across
# fragments: beyond this the walk stops (the document is refused) rather than recurse towards
# Python's recursion limit (a chain of 600 fragments, each spreading the next, would reach it).
MAX_NESTING = 100


class DocumentShape:
    """The figures of every operation and fragment of a document, from one walk (`visits`
    counts the selections it looked at)."""

    def __init__(self, document: DocumentNode, alias_cap: int = 1_000) -> None:
        # Figures are capped so a multiplicative bomb stays a small int, and a fragment past
        # `alias_cap` aliases (refused anyway) no longer merges its response names into the
        # sets that spread it: that keeps every merge small.
        self.cap = 1_000_000
        self.alias_cap = alias_cap
        self.visits = 0
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, Figures] = {}
        self._walking: set[str] = set()
        self._nesting = 0
        self.too_nested = False
        self.operations: list[OperationShape] = []
        # Every definition, unused fragments too: graphql-core's rules walk those as well.
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                figures = self._selection_set(definition.selection_set)
                name = definition.name.value if definition.name else "anonymous"
            elif isinstance(definition, FragmentDefinitionNode):
                figures = self._fragment(definition.name.value)
                name = f"fragment {definition.name.value}"
            else:
                continue
            self.operations.append(
                OperationShape(
                    name,
                    definition,
                    figures.depth,
                    figures.aliases,
                    figures.merged,
                    figures.merged_name,
                )
            )

    def _fragment(self, name: str) -> Figures:
        known = self._memo.get(name)
        if known is not None:
            return known
        fragment = self._fragments.get(name)
        if fragment is None or name in self._walking:
            return Figures()
        self._walking.add(name)
        try:
            figures = self._selection_set(fragment.selection_set)
        finally:
            self._walking.discard(name)
        self._memo[name] = figures
        return figures

    def _selection_set(self, selection_set: SelectionSetNode) -> Figures:
        figures = Figures()
        spread: set[str] = set()
        self._collect(selection_set, figures, spread)
        self._figure_merges(figures)
        return figures

    def _figure_merges(self, figures: Figures) -> None:
        for key, count in figures.names.items():
            merged = min(self.cap, count * max(1, figures.below.get(key, 0)))
            if merged > figures.merged:
                figures.merged, figures.merged_name = merged, key

    def _collect(self, selection_set: SelectionSetNode, into: Figures, spread: set[str]) -> None:
        """Add a selection set's selections to `into` (inline fragments merge into it)."""
        if self._nesting >= MAX_NESTING:
            self.too_nested = True
            return
        self._nesting += 1
        try:
            self._collect_selections(selection_set, into, spread)
        finally:
            self._nesting -= 1

    def _collect_selections(
        self, selection_set: SelectionSetNode, into: Figures, spread: set[str]
    ) -> None:
        for selection in selection_set.selections:
            self.visits += 1
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                into.names[key] = min(self.cap, into.names[key] + 1)
                if selection.alias is not None:
                    into.aliases = min(self.cap, into.aliases + 1)
                if selection.selection_set is not None:
                    child = self._selection_set(selection.selection_set)
                    into.aliases = min(self.cap, into.aliases + child.aliases)
                    into.below[key] = max(into.below.get(key, 0), child.merged)
                    if not selection.name.value.startswith("__"):
                        into.depth = max(into.depth, 1 + child.depth)
            elif isinstance(selection, InlineFragmentNode):
                self._collect(selection.selection_set, into, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragment(name)
                into.depth = max(into.depth, fragment.depth)
                into.aliases = min(self.cap, into.aliases + fragment.aliases)
                # the same fragment twice in one selection set merges into one set of fields
                if name not in spread and fragment.aliases <= self.alias_cap:
                    spread.add(name)
                    for key, count in fragment.names.items():
                        into.names[key] = min(self.cap, into.names[key] + count)
                    for key, merged in fragment.below.items():
                        into.below[key] = max(into.below.get(key, 0), merged)


_last: tuple[DocumentNode, int, DocumentShape] | None = None


def shape_of(document: DocumentNode, alias_cap: int) -> DocumentShape:
    """The document's shape; the rules below share one walk of the same document."""
    global _last
    if _last is not None and _last[0] is document and _last[1] == alias_cap:
        return _last[2]
    shape = DocumentShape(document, alias_cap)
    _last = (document, alias_cap, shape)
    return shape


def shape_rules(max_depth: int, max_aliases: int, max_repeats: int) -> list[type[ValidationRule]]:
    """The three limits as graphql-core rules (built once: the validation cache keys on them)."""
    cap = max_aliases + 1
    return [
        max_depth_rule(max_depth, cap),
        max_aliases_rule(max_aliases, cap),
        max_field_repeats_rule(max_repeats, cap),
    ]


def max_depth_rule(max_depth: int, alias_cap: int = 1_000) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            shape = shape_of(context.document, alias_cap)
            if shape.too_nested:
                context.report_error(
                    GraphQLError(
                        f"The document nests selections and fragments more than {MAX_NESTING} "
                        "deep.",
                        extensions={"code": "MAX_DEPTH_EXCEEDED"},
                    )
                )
                return
            for operation in shape.operations:
                if operation.depth > max_depth:
                    context.report_error(
                        GraphQLError(
                            f"'{operation.name}' exceeds maximum operation depth of {max_depth}"
                            f" (it nests {operation.depth} levels).",
                            operation.node,
                            extensions={"code": "MAX_DEPTH_EXCEEDED"},
                        )
                    )

    return MaxDepthRule


def max_aliases_rule(max_aliases: int, alias_cap: int = 1_000) -> type[ValidationRule]:
    class MaxAliasesRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            for operation in shape_of(context.document, alias_cap).operations:
                if operation.aliases > max_aliases:
                    shown = f"{operation.aliases}" if operation.aliases < 1_000_000 else "1000000+"
                    context.report_error(
                        GraphQLError(
                            f"{shown} aliases found in '{operation.name}' (counting each "
                            f"fragment once per spread). Allowed: {max_aliases}",
                            operation.node,
                            extensions={"code": "MAX_ALIASES_EXCEEDED"},
                        )
                    )

    return MaxAliasesRule


def max_field_repeats_rule(max_repeats: int, alias_cap: int = 1_000) -> type[ValidationRule]:
    class MaxFieldRepeatsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            for operation in shape_of(context.document, alias_cap).operations:
                if operation.merged > max_repeats:
                    context.report_error(
                        GraphQLError(
                            f"'{operation.name}' repeats fields so that {operation.merged} "
                            f"copies of one field (under `{operation.merged_name}`) merge into "
                            f"one (fragments merged, repeats multiplied through nesting). "
                            f"Allowed: {max_repeats}",
                            operation.node,
                            extensions={"code": "MAX_FIELD_REPEATS_EXCEEDED"},
                        )
                    )

    return MaxFieldRepeatsRule
