"""Look-ahead: a page's nested fields loaded for the whole page before it is completed.

A field with an async resolver costs graphql-core a resolver call, an awaitable and, in a
list, a task per object: for the console's customer list (50 customers, each with its
account, account manager, resources and the cycle's amount due) that is most of the time,
although the loaders already read each relation in one statement. A field can instead
declare a *batch*: one coroutine that returns the field's value for a list of objects,
through the same resolver functions and loaders (the same tenant scoping and permission
checks) that its resolver uses::

    @batch(Customer, "account")
    async def accounts(info, customers):
        return [CustomerAccount(position=p) for p in await customer_positions(...)]

A root field that returns a page calls `prefetch_page(info, connection)`: it reads the
requested selection below `nodes` (and `edges { node }`), runs the batch of every selected
field that has one, concurrently, and records each value under (object, response key,
arguments) in the request's `prefetched` table; then it goes on below those values (the
nodes of a nested page, an object) the same way. `PlainObjectExecutor` (`execution.py`)
reads a batched field from that table, so the whole page is completed synchronously by its
plans.

What keeps the answers identical to the general path (`tests/core/test_prefetch.py`
compares both): a value is used only for the same object, response key and argument values
(computed by graphql-core's `get_argument_values` on both sides); anything missing sends
that object the general way, whose resolver then loads the field itself (from the loaders'
cache when the batch already read it). A batch that raises records nothing, so the
resolvers raise the same error, located, as before. `@defer`/`@stream` anywhere in the
selection, a field with field extensions or permission classes, or a selection this module
does not follow: no look-ahead. `LOOKAHEAD_PREFETCH=false` (or the plain executor switched
off) turns it off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    get_named_type,
    is_abstract_type,
    is_object_type,
)
from graphql.execution.values import get_argument_values, get_directive_values
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments

from app.schema.core.relay import Connection

log = logging.getLogger(__name__)

Batch = Callable[..., Awaitable[Sequence[Any]]]

BATCHES: dict[tuple[str, str], Batch] = {}
"""(GraphQL type name, field's Python name) -> its batch."""


def batch(owner: type, field: str) -> Callable[[Batch], Batch]:
    """Declare `function(info, objects, **arguments)` the batch form of `owner.field`: the
    values of the field for each object, in order, as the field's resolver returns them."""
    type_name = owner.__strawberry_definition__.name  # type: ignore[attr-defined]

    def register(function: Batch) -> Batch:
        BATCHES[(type_name, field)] = function
        return function

    return register


def batchable(definition: Any) -> bool:
    """A field whose value a batch may give: nothing runs around its resolver."""
    return not definition.extensions and not definition.permission_classes


def argument_key(field_def: Any, node: FieldNode, variable_values: Any) -> str:
    """The field's argument values as one comparable text (same on both sides)."""
    return repr(get_argument_values(field_def, node, variable_values))


class _Unsupported(Exception):
    """A selection the look-ahead does not follow (`@defer`, `@stream`)."""


async def prefetch_page(info: Any, page: Any) -> None:
    """Load the batched fields selected below a root field's page (a `Connection`)."""
    variables = info.context.variable_values
    if not info.schema.lookahead_prefetch or variables is None:
        return
    raw = _Raw(info._raw_info, variables)
    try:
        await _below(info, raw, raw.info.return_type, [page], raw.info.field_nodes)
    except _Unsupported:
        return
    except Exception:  # a selection this module misreads: the resolvers load it instead
        log.warning("look-ahead skipped for %s", raw.info.field_name, exc_info=True)


class _Raw:
    """graphql-core's resolve info with the execution's `VariableValues` (strawberry hands
    resolvers the coerced dict only)."""

    __slots__ = ("fragments", "info", "schema", "variable_values")

    def __init__(self, info: Any, variable_values: Any) -> None:
        self.info = info
        self.schema = info.schema
        self.fragments = info.fragments
        self.variable_values = variable_values


async def _below(info: Any, raw: Any, field_type: Any, values: list[Any], nodes: Any) -> None:
    """Prefetch below the values of one field (pages, objects or lists of them)."""
    named = get_named_type(field_type)
    if not is_object_type(named) or not values:
        return
    selection = _collect(raw, named, nodes)
    if all(value is None or isinstance(value, Connection) for value in values):
        await _page(info, raw, named, values, selection)
        return
    objects: list[Any] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            objects.extend(item for item in value if item is not None)
        elif value is not None:
            objects.append(value)
    await _objects(info, raw, named, objects, selection)


async def _page(
    info: Any,
    raw: Any,
    page_type: GraphQLObjectType,
    pages: list[Any],
    selection: dict[str, list[FieldNode]],
) -> None:
    """The nodes of several pages, reached through `nodes` and `edges { node }`."""
    nodes = [node for page in pages if page is not None for node in page._converted()]
    if not nodes:
        return
    node_type = get_named_type(page_type.fields["nodes"].type)
    wanted: list[FieldNode] = []
    for key_nodes in selection.values():
        name = key_nodes[0].name.value
        if name == "nodes":
            wanted.extend(key_nodes)
        elif name == "edges":
            edge_type = get_named_type(page_type.fields["edges"].type)
            for edge_nodes in _collect(raw, edge_type, key_nodes).values():
                if edge_nodes[0].name.value == "node":
                    wanted.extend(edge_nodes)
    if wanted:
        await _objects(info, raw, node_type, nodes, _collect(raw, node_type, wanted))


async def _objects(
    info: Any,
    raw: Any,
    object_type: Any,
    objects: list[Any],
    selection: dict[str, list[FieldNode]],
) -> None:
    """Run the batch of each selected field that has one, for all `objects` at once."""
    if not objects or not is_object_type(object_type):
        return
    jobs = []
    for response_key, key_nodes in selection.items():
        field_def = object_type.fields.get(key_nodes[0].name.value)
        if field_def is None:
            continue
        definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if definition is None:
            continue
        function = BATCHES.get((object_type.name, definition.python_name))
        if function is None or not batchable(definition):
            continue
        jobs.append((response_key, key_nodes, field_def, definition, function))
    if not jobs:
        return
    results = await asyncio.gather(
        *(_run(info, raw, objects, key_nodes, fd, d, f) for _, key_nodes, fd, d, f in jobs)
    )
    table = info.context.prefetched
    below = []
    for (response_key, key_nodes, field_def, _, _), result in zip(jobs, results, strict=True):
        if result is None:
            continue
        arguments, values = result
        for source, value in zip(objects, values, strict=True):
            table[(id(source), (response_key, arguments))] = (source, value)
        below.append(_below(info, raw, field_def.type, list(values), key_nodes))
    await asyncio.gather(*below)


async def _run(
    info: Any,
    raw: Any,
    objects: list[Any],
    key_nodes: list[FieldNode],
    field_def: Any,
    definition: Any,
    function: Batch,
) -> tuple[str, Sequence[Any]] | None:
    """One batch: its argument key and values, or None when it fails (the resolvers then
    run and raise the same error where it belongs)."""
    try:
        node = key_nodes[0]
        raw_arguments = get_argument_values(field_def, node, raw.variable_values)
        converter = info.schema.schema_converter
        kwargs = convert_arguments(
            raw_arguments,
            definition.arguments,
            scalar_registry=converter.scalar_registry,
            config=converter.config,
            info=info,
        )
        values = await function(info, objects, **kwargs)
    except Exception:
        return None
    if len(values) != len(objects):
        return None
    return repr(raw_arguments), values


def _collect(raw: Any, object_type: Any, field_nodes: Any) -> dict[str, list[FieldNode]]:
    """The fields selected on `object_type` below `field_nodes`, by response key, in
    document order, as graphql-core collects them (fragments, `@skip`/`@include`)."""
    fields: dict[str, list[FieldNode]] = {}
    visited: set[str] = set()
    for node in field_nodes:
        if node.selection_set is not None:
            _gather(raw, object_type, node.selection_set, fields, visited)
    return fields


def _gather(
    raw: Any,
    object_type: Any,
    selection_set: Any,
    fields: dict[str, list[FieldNode]],
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(raw, selection):
            continue
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            fields.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if _matches(raw, object_type, selection.type_condition):
                _gather(raw, object_type, selection.selection_set, fields, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment: FragmentDefinitionNode | None = raw.fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            if _matches(raw, object_type, fragment.type_condition):
                _gather(raw, object_type, fragment.selection_set, fields, visited)


def _included(raw: Any, node: Any) -> bool:
    for directive in node.directives or ():
        if directive.name.value in ("defer", "stream"):
            raise _Unsupported
    skip = get_directive_values(GraphQLSkipDirective, node, raw.variable_values)
    if skip and skip["if"] is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, raw.variable_values)
    return not (include and include["if"] is False)


def _matches(raw: Any, object_type: Any, condition: Any) -> bool:
    if condition is None:
        return True
    conditional = raw.schema.get_type(condition.name.value)
    if conditional is object_type:
        return True
    return bool(
        conditional is not None
        and is_abstract_type(conditional)
        and raw.schema.is_sub_type(conditional, object_type)
    )
