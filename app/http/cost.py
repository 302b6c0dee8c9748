"""Query cost, on Shopify's model (DESIGN.md > GraphQL conventions > Limits).

An object costs 1, a scalar or enum 0, a connection 2 plus its page size (`first`/`last`, or
the default page size) times the cost of one of its nodes, multiplied through nesting; a
mutation field costs 10 plus its payload. A *value object* costs 0, like a scalar: an object
type without an `id` whose fields take no arguments and are all scalars, enums or value
objects (`Money`, a customer's `CustomerAccount` of amounts, `PageInfo`): a fixed-size part of
its parent's data, so a screen is not charged per amount it shows. `nodes(ids:)` is a list of
as many objects as ids.
`__schema` and `__type` cost a fixed amount whatever they select; `__typename` is a scalar.
The requested cost is computed from the document before it runs; the actual cost from the
data it returned (real page sizes).

The walk is linear in the document: each fragment is costed once per way it is used (as a set
of fields, as a connection, as an edge) and reused at every spread -- the variables are those of
the one operation being costed, so a fragment's cost is the same wherever it is spread. The walk
also refuses, before anything executes, a `first`/`last` outside 1..max_page_size anywhere in
the operation, including branches that would never resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    value_from_ast,
)
from graphql.pyutils import Undefined

MUTATION_COST = 10
CONNECTION_COST = 2
PAGE_ARGUMENTS = ("first", "last")
FIXED_COST_FIELDS = frozenset({"__schema", "__type"})


class CostArgumentError(GraphQLError):
    """A `first`/`last` out of range: refused before execution as BAD_USER_INPUT."""


def _named(type_: Any) -> GraphQLNamedType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _is_value(type_: GraphQLObjectType, known: set[str]) -> bool:
    if "id" in type_.fields or type_.interfaces:
        return False
    for definition in type_.fields.values():
        named = _named(definition.type)
        if definition.args or _is_list(definition.type):
            return False
        composite = isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        if composite and named.name not in known:
            return False
    return True


def value_types(schema: GraphQLSchema) -> frozenset[str]:
    """The names of the schema's value objects (see the module's docstring), to a fixpoint:
    a value object may hold others (an account of `Money`s)."""
    objects = [
        t
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType)
        and not name.startswith("__")
        and t not in (schema.query_type, schema.mutation_type, schema.subscription_type)
    ]
    known: set[str] = set()
    while True:
        found = {t.name for t in objects if t.name not in known and _is_value(t, known)}
        if not found:
            return frozenset(known)
        known |= found


class CostCalculator:
    def __init__(
        self,
        schema: GraphQLSchema,
        default_page_size: int,
        max_page_size: int = 100,
        introspection_cost: int = 0,
    ) -> None:
        self.schema = schema
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self.introspection_cost = introspection_cost
        self.value_types = value_types(schema)

    def requested(
        self,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
    ) -> int:
        """The operation's cost; `variables` are the coerced values (defaults applied)."""
        return self.walk(operation, fragments, variables).total

    def walk(
        self,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
    ) -> CostWalk:
        walk = CostWalk(self, fragments, variables or {})
        root = (
            self.schema.mutation_type
            if operation.operation is OperationType.MUTATION
            else self.schema.query_type
        )
        if root is not None:
            walk.total = max(0, walk.object_cost(operation.selection_set, root))
        return walk


class CostWalk:
    """One operation's cost. `visits` counts the selections looked at (the walk's work)."""

    def __init__(
        self,
        calculator: CostCalculator,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.calculator = calculator
        self.schema = calculator.schema
        self.fragments = fragments
        self.variables = variables
        self.visits = 0
        self.total = 0
        self._memo: dict[tuple[str, str], int] = {}

    # -- selection sets, each in one of three roles ------------------------------------------

    def object_cost(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        """The sum of the fields a selection set asks for on `parent`."""
        return self._sum(selection_set, parent, "object", self._field_cost)

    def node_cost(self, selection_set: SelectionSetNode, connection: GraphQLNamedType) -> int:
        """The cost of one node of a connection (its `edges.node` or `nodes` selection)."""
        return self._max(selection_set, connection, "connection", self._connection_part)

    def _edge_cost(self, selection_set: SelectionSetNode, edge: GraphQLNamedType) -> int:
        return self._max(selection_set, edge, "edge", self._edge_part)

    def _sum(self, selection_set, parent, role, cost_of: Callable[..., int]) -> int:  # type: ignore[no-untyped-def]
        total = 0
        for selection in selection_set.selections:
            self.visits += 1
            if isinstance(selection, FieldNode):
                total += cost_of(selection, parent)
            else:
                total += self._fragment(selection, parent, role)
        return total

    def _max(self, selection_set, parent, role, cost_of: Callable[..., int]) -> int:  # type: ignore[no-untyped-def]
        best = 0
        for selection in selection_set.selections:
            self.visits += 1
            if isinstance(selection, FieldNode):
                best = max(best, cost_of(selection, parent))
            else:
                best = max(best, self._fragment(selection, parent, role))
        return best

    def _fragment(
        self,
        selection: InlineFragmentNode | FragmentSpreadNode,
        parent: GraphQLNamedType,
        role: str,
    ) -> int:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = self.schema.get_type(condition.name.value) if condition else parent
            return self._role(role, selection.selection_set, target or parent)
        name = selection.name.value
        key = (role, name)
        known = self._memo.get(key)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        self._memo[key] = 0  # a cycle (refused by validation) adds nothing
        target = self.schema.get_type(fragment.type_condition.name.value) or parent
        cost = self._role(role, fragment.selection_set, target)
        self._memo[key] = cost
        return cost

    def _role(self, role: str, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        if role == "object":
            return self.object_cost(selection_set, parent)
        if role == "connection":
            return self.node_cost(selection_set, parent)
        return self._edge_cost(selection_set, parent)

    # -- fields ------------------------------------------------------------------------------

    def _field_cost(self, field: FieldNode, owner: GraphQLNamedType) -> int:
        name = field.name.value
        if name in FIXED_COST_FIELDS:
            return self.calculator.introspection_cost
        if name.startswith("__") or not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = owner.fields.get(name)
        if definition is None:
            return 0
        sizes = self._page_sizes(field, definition)
        child = _named(definition.type)
        if owner is self.schema.mutation_type:
            inner = self.object_cost(field.selection_set, child) if field.selection_set else 0
            return MUTATION_COST + inner
        if child.name.endswith("Connection"):
            size = next((s for s in sizes if s is not None), None) or (
                self.calculator.default_page_size
            )
            node = self.node_cost(field.selection_set, child) if field.selection_set else 0
            return CONNECTION_COST + size * node
        if field.selection_set is None or child.name in self.calculator.value_types:
            return 0
        count = 1
        if _is_list(definition.type) and name == "nodes":
            ids = self._argument(field, definition, "ids")
            count = len(ids) if isinstance(ids, list) else 1
        return count * (1 + self.object_cost(field.selection_set, child))

    def _connection_part(self, field: FieldNode, connection: GraphQLNamedType) -> int:
        if field.selection_set is None or not isinstance(connection, GraphQLObjectType):
            return 0
        name = field.name.value
        if name == "nodes":
            return 1 + self.object_cost(
                field.selection_set, _named(connection.fields["nodes"].type)
            )
        if name == "edges":
            return self._edge_cost(field.selection_set, _named(connection.fields["edges"].type))
        # pageInfo and the like cost nothing, but are still walked for out-of-range page sizes
        definition = connection.fields.get(name)
        if definition is not None:
            self.object_cost(field.selection_set, _named(definition.type))
        return 0

    def _edge_part(self, field: FieldNode, edge: GraphQLNamedType) -> int:
        if field.selection_set is None or not isinstance(edge, GraphQLObjectType):
            return 0
        definition = edge.fields.get(field.name.value)
        if definition is None:
            return 0
        inner = self.object_cost(field.selection_set, _named(definition.type))
        return 1 + inner if field.name.value == "node" else 0

    # -- arguments ---------------------------------------------------------------------------

    def _argument(self, field: FieldNode, definition: Any, name: str) -> Any:
        argument = definition.args.get(name)
        if argument is None:
            return None
        for node in field.arguments or ():
            if node.name.value == name:
                value = value_from_ast(node.value, argument.type, self.variables)
                return None if value is Undefined else value
        return None if argument.default_value is Undefined else argument.default_value

    def _page_sizes(self, field: FieldNode, definition: Any) -> list[int | None]:
        sizes: list[int | None] = []
        maximum = self.calculator.max_page_size
        for name in PAGE_ARGUMENTS:
            value = self._argument(field, definition, name)
            if value is None:
                sizes.append(None)
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
                raise CostArgumentError(
                    f"`{name}` must be between 1 and {maximum}; got {value!r}.",
                    field,
                    extensions={"code": "BAD_USER_INPUT"},
                )
            sizes.append(value)
        return sizes


def actual_cost(requested: int, data: Any) -> int:
    """What the query really cost: objects returned, plus 2 per connection, at most requested.

    Counts every JSON object in the response (each is an object field resolved) and adds the
    connection overhead for objects that are connections (they carry pageInfo/edges/nodes).
    Only containers are visited: a page's thousands of scalars are skipped unread. Value
    objects are counted here too (a response does not say which objects they are), so this
    may count an amount the requested cost does not: capped at the requested cost, the refund
    is on the safe side.
    """
    if data is None:
        return 0
    # the root data object itself is not a field
    return max(0, min(requested, _objects(data) - 1))


def _objects(value: dict[str, Any]) -> int:
    count = CONNECTION_COST if ("pageInfo" in value or "edges" in value or "nodes" in value) else 1
    for child in value.values():
        kind = type(child)
        if kind is dict:
            count += _objects(child)
        elif kind is list:
            count += _objects_in(child)
    return count


def _objects_in(items: list[Any]) -> int:
    count = 0
    for item in items:
        kind = type(item)
        if kind is dict:
            count += _objects(item)
        elif kind is list:
            count += _objects_in(item)
    return count
