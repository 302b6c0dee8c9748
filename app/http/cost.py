"""Query cost, on Shopify's model (DESIGN.md > GraphQL conventions > Limits).

An object costs 1, a scalar or enum 0, a connection 2 plus its page size (`first`/`last`, or
the default page size) times the cost of one of its nodes, multiplied through nesting; a
mutation field costs 10 plus its payload. `nodes(ids:)` is a list of as many objects as ids.
Introspection costs nothing. The requested cost is computed from the document before it runs;
the actual cost from the data it returned (real page sizes).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    value_from_ast_untyped,
)

MUTATION_COST = 10
CONNECTION_COST = 2


def _named(type_: Any) -> GraphQLNamedType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for argument in field.arguments or ():
        if argument.name.value == name:
            value = argument.value
            if isinstance(value, VariableNode):
                return variables.get(value.name.value)
            return value_from_ast_untyped(value, variables)
    return None


class CostCalculator:
    def __init__(self, schema: GraphQLSchema, default_page_size: int) -> None:
        self.schema = schema
        self.default_page_size = default_page_size

    def requested(
        self,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
    ) -> int:
        root = (
            self.schema.mutation_type
            if operation.operation is OperationType.MUTATION
            else self.schema.query_type
        )
        if root is None:
            return 0
        cost = self._selection(operation.selection_set, root, fragments, variables or {})
        return cost

    def _fields(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        fragments: dict[str, FragmentDefinitionNode],
        seen: frozenset[str] = frozenset(),
    ) -> list[tuple[FieldNode, GraphQLNamedType]]:
        """The fields a selection set asks for (fragments flattened), with their parent type."""
        fields: list[tuple[FieldNode, GraphQLNamedType]] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields.append((selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                target = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                fields += self._fields(selection.selection_set, target or parent, fragments, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                fields += self._fields(fragment.selection_set, target, fragments, seen | {name})
        return fields

    def _selection(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> int:
        total = 0
        for field, owner in self._fields(selection_set, parent, fragments):
            name = field.name.value
            if name.startswith("__") or not isinstance(owner, GraphQLObjectType):
                continue
            definition = owner.fields.get(name)
            if definition is None:
                continue
            child = _named(definition.type)
            inner = (
                self._selection(field.selection_set, child, fragments, variables)
                if field.selection_set
                else 0
            )
            if owner is self.schema.mutation_type:
                total += MUTATION_COST + inner
            elif child.name.endswith("Connection"):
                size = (
                    _argument(field, "first", variables)
                    or _argument(field, "last", variables)
                    or self.default_page_size
                )
                total += CONNECTION_COST + int(size) * self._node_cost(
                    field, child, fragments, variables
                )
            elif field.selection_set is not None:
                count = 1
                if _is_list(definition.type) and name == "nodes":
                    ids = _argument(field, "ids", variables)
                    count = len(ids) if isinstance(ids, list) else 1
                total += count * (1 + inner)
        return total

    def _node_cost(
        self,
        field: FieldNode,
        connection: GraphQLNamedType,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> int:
        """The cost of one node of a connection (its `edges.node` or `nodes` selection)."""
        if field.selection_set is None or not isinstance(connection, GraphQLObjectType):
            return 0
        cost = 0
        for sub, _ in self._fields(field.selection_set, connection, fragments):
            if sub.name.value == "nodes" and sub.selection_set:
                node_type = _named(connection.fields["nodes"].type)
                cost = max(
                    cost, 1 + self._selection(sub.selection_set, node_type, fragments, variables)
                )
            elif sub.name.value == "edges" and sub.selection_set:
                edge_type = _named(connection.fields["edges"].type)
                assert isinstance(edge_type, GraphQLObjectType)
                for edge_field, _ in self._fields(sub.selection_set, edge_type, fragments):
                    if edge_field.name.value == "node" and edge_field.selection_set:
                        node_type = _named(edge_type.fields["node"].type)
                        cost = max(
                            cost,
                            1
                            + self._selection(
                                edge_field.selection_set, node_type, fragments, variables
                            ),
                        )
        return cost


def actual_cost(requested: int, data: Any) -> int:
    """What the query really cost: objects returned, plus 2 per connection, at most requested.

    Counts every JSON object in the response (each is an object field resolved) and adds the
    connection overhead for objects that are connections (they carry pageInfo/edges/nodes).
    Only containers are visited: a page's thousands of scalars are skipped unread.
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
