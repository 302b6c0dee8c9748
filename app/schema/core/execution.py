"""A faster completion of plain objects for graphql-core's executor.

graphql-core completes every field of every object through the same general machinery
(resolve info, middleware, awaitables, error paths): ~5 µs a value, which is most of a
page of 100 consumption details with their amounts. Most of those values are *plain*: a
strawberry field without a resolver (strawberry's "basic" field: an attribute read) whose
type is a scalar, an enum or another plain object.

`PlainObjectExecutor` builds, once per execution and per (object type, selection), a plan
of such a selection and completes an object with it directly: read each attribute, coerce
each leaf, recurse into nested plain objects; a list (or tuple) of plain objects, such as a
connection's `nodes`, is completed item by item with the same plan. Anything else keeps the
general path: a field with a resolver or arguments, a list field inside a plain object, an
interface or union, `@defer`/`@stream`, middleware (extensions with a `resolve` hook).

The plan never decides an error: if a value is missing for a non-null field, a leaf does not
coerce, an attribute is absent or `is_type_of` says no, the plan gives up and the object (or
the whole list) is completed again by graphql-core, which reads the same
attributes (no side effects: basic fields only read) and raises exactly the error it always
did, with its path and null propagation. Results are therefore identical to the general
path; `tests/test_execution.py` compares both.

A nested object's `is_type_of` (strawberry's isinstance check for types with interfaces)
receives the enclosing field's resolve info: strawberry's checks do not read it.

What it relies on, and how an upgrade is kept safe: a field is plain only when strawberry's
public markers say so (`StrawberryField.is_basic_field`, the field's GraphQL `resolve`
passing `strawberry.resolvers.is_default_resolver`, `default_resolver is getattr`), so if a
strawberry release stops marking its default resolver the plan simply stops being used
(`tests/test_execution.py` then fails, and the answers stay right). The overridden
`complete_object_value`/`complete_list_value`/`collect_subfields` signatures are graphql-core
3.3's: `pyproject.toml` pins strawberry-graphql and graphql-core to the minor releases this
was tested on, and the `PLAIN_OBJECT_EXECUTOR=false` setting switches it off (strawberry's
own executor then), which CI runs the suite with too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    is_enum_type,
    is_leaf_type,
    is_object_type,
)
from graphql.pyutils import Undefined
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from app.schema.core import prefetch

_MISS: Any = object()
"""What a plan returns when it cannot complete an object (the general path then does)."""

Plan = Callable[[Any, Any], Any]

# A plain selection's entries: (response key, how the value is read, what with, non-null?,
# leaf coercion or None, nested plan or None). How: _TYPENAME (`what` is the type's name),
# _ATTRIBUTE (`what` is the attribute), _COMPUTED (`what` is the resolver taking the object
# only), _PREFETCHED (`what` is the key the look-ahead stored the value under).
_Entry = tuple[str, int, Any, bool, Any, Any]
_TYPENAME, _ATTRIBUTE, _COMPUTED, _PREFETCHED = 0, 1, 2, 3


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with plain objects completed by a per-selection plan."""

    plans_built = 0
    """How many plans were built (all executions); tests read it to see the path is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id(field details list)) -> (the list, kept alive so its id stays unique;
        # the plan or None when the selection is not plain).
        self._plans: dict[tuple[Any, int], tuple[Any, Plan | None]] = {}
        if hasattr(self.context_value, "prefetched"):  # the app's RequestContext
            self.context_value.variable_values = self.variable_values

    def complete_object_value(  # type: ignore[override]
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan(return_type, field_details_list)
        if plan is not None:
            completed = plan(result, info)
            if completed is not _MISS:
                return completed
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_list_value(  # type: ignore[override]
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        completed = self._plain_list(return_type.of_type, field_details_list, info, result)
        if completed is not _MISS:
            return completed
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plain_list(self, item_type: Any, field_details_list: Any, info: Any, items: Any) -> Any:
        """A list (or tuple) of plain objects completed item by item with one plan, without
        graphql-core's per-item bookkeeping; `_MISS` sends the whole list the general way."""
        if type(items) not in (list, tuple) or _streamed(field_details_list):
            return _MISS
        non_null = isinstance(item_type, GraphQLNonNull)
        inner = item_type.of_type if non_null else item_type
        if not is_object_type(inner):
            return _MISS
        plan = self._plan(inner, field_details_list)
        if plan is None:
            return _MISS
        return _items_plan(plan, non_null)(items, info)

    def _plan(self, object_type: GraphQLObjectType, field_details_list: Any) -> Plan | None:
        key = (object_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        self._plans[key] = (field_details_list, None)  # a cycle is not plain
        plan = self._build(object_type, field_details_list)
        self._plans[key] = (field_details_list, plan)
        return plan

    def _build(self, object_type: GraphQLObjectType, field_details_list: Any) -> Plan | None:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages:
            return None
        entries: list[_Entry] = []
        for response_key, sub_details in grouped_field_set.items():
            node = sub_details[0].node
            field_name = node.name.value
            if field_name == "__typename":
                entries.append((response_key, _TYPENAME, object_type.name, True, None, None))
                continue
            entry = self._entry(object_type, response_key, field_name, node, sub_details)
            if entry is None:
                return None
            entries.append(entry)
        PlainObjectExecutor.plans_built += 1
        return _plan_function(object_type.is_type_of, tuple(entries))

    def _entry(
        self,
        object_type: GraphQLObjectType,
        response_key: str,
        field_name: str,
        node: Any,
        sub_details: Any,
    ) -> _Entry | None:
        field_def = object_type.fields.get(field_name)
        if field_def is None:
            return None
        definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        resolve = field_def.resolve
        if (
            definition is None
            or resolve is None
            or (
                self.middleware_manager is not None
                and self.middleware_manager.get_field_resolver(resolve) is not resolve
            )
        ):
            return None
        read = self._reader(object_type, response_key, field_def, definition, node)
        if read is None:
            return None
        how, what = read
        field_type = field_def.type
        non_null = isinstance(field_type, GraphQLNonNull)
        inner = field_type.of_type if non_null else field_type
        if is_enum_type(inner):
            return (response_key, how, what, non_null, _enum_names(inner), None)
        if is_leaf_type(inner):
            leaf: GraphQLLeafType = inner  # type: ignore[assignment]
            return (response_key, how, what, non_null, leaf.coerce_output_value, None)
        if is_object_type(inner):
            nested = self._plan(inner, sub_details)  # type: ignore[arg-type]
            if nested is None:
                return None
            return (response_key, how, what, non_null, None, nested)
        if isinstance(inner, GraphQLList) and not _streamed(sub_details):
            nested_list = self._list_plan(inner, sub_details)
            if nested_list is None:
                return None
            return (response_key, how, what, non_null, None, nested_list)
        return None

    def _reader(
        self,
        object_type: GraphQLObjectType,
        response_key: str,
        field_def: Any,
        definition: Any,
        node: Any,
    ) -> tuple[int, Any] | None:
        """How a field's value is read without graphql-core, or None (the general path)."""
        if (object_type.name, definition.python_name) in prefetch.BATCHES:
            if not prefetch.batchable(definition):
                return None
            arguments = prefetch.argument_key(field_def, node, self.variable_values)
            return (_PREFETCHED, (response_key, arguments))
        if field_def.args or node.arguments:
            return None
        if definition.is_basic_field:
            default = is_default_resolver(field_def.resolve)
            if not default or definition.default_resolver is not getattr:
                return None
            return (_ATTRIBUTE, definition.python_name)
        computed = _computed(definition)
        return None if computed is None else (_COMPUTED, computed)

    def _list_plan(self, list_type: GraphQLList, sub_details: Any) -> Plan | None:
        """A plan for a list of plain objects (non-null items or not), such as `nodes`."""
        item_type = list_type.of_type
        non_null = isinstance(item_type, GraphQLNonNull)
        inner = item_type.of_type if non_null else item_type
        if not is_object_type(inner):
            return None
        plan = self._plan(inner, sub_details)  # type: ignore[arg-type]
        if plan is None:
            return None
        return _items_plan(plan, non_null)


def _computed(definition: Any) -> Callable[[Any], Any] | None:
    """The function behind a *computed* field: a synchronous resolver that takes the object
    only (no info, root, parent or arguments), without field extensions or permissions,
    defined as a plain method. Such a resolver must be a pure function of its object (the
    general path may call it once more on a miss); `docs/architecture.md` says so."""
    resolver = definition.base_resolver
    if (
        resolver is None
        or definition.extensions
        or definition.permission_classes
        or resolver.is_async
        or resolver.self_parameter is None
        or resolver.info_parameter is not None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or resolver.arguments
    ):
        return None
    function = resolver.wrapped_func
    if isinstance(function, (staticmethod, classmethod)) or not callable(function):
        return None
    return function


def _items_plan(plan: Plan, non_null: bool) -> Plan:
    def complete(items: Any, info: Any) -> Any:
        if type(items) not in (list, tuple):
            return _MISS
        completed = []
        for item in items:
            if item is None:
                if non_null:
                    return _MISS
                completed.append(None)
                continue
            value = plan(item, info)
            if value is _MISS:
                return _MISS
            completed.append(value)
        return completed

    return complete


def _enum_names(enum_type: GraphQLEnumType) -> Callable[[Any], str | None]:
    """An enum's output coercion as one dict lookup (None: not a value; the general path then
    raises). Strawberry's own compares an instance of the Python enum with every value in
    turn (3-5 µs a value); GraphQL enums are the model enums, whose members arrive here."""
    names: dict[Any, str] = {value.value: name for name, value in enum_type.values.items()}
    wrapped = getattr(enum_type, "wrapped_cls", None)
    for member in wrapped or ():
        for name, value in enum_type.values.items():
            if member.value == value.value:
                names.setdefault(member, name)
    return names.get


def _streamed(field_details_list: Any) -> bool:
    return any(
        directive.name.value == "stream"
        for details in field_details_list
        for directive in details.node.directives or ()
    )


def _plan_function(is_type_of: Any, entries: tuple[_Entry, ...]) -> Plan:
    def complete(source: Any, info: Any) -> Any:
        if is_type_of is not None and is_type_of(source, info) is not True:
            return _MISS
        completed: dict[str, Any] = {}
        try:
            for key, how, what, non_null, coerce, nested in entries:
                if how == _ATTRIBUTE:
                    value = getattr(source, what)
                elif how == _COMPUTED:
                    value = what(source)
                elif how == _PREFETCHED:
                    hit = info.context.prefetched.get((id(source), what))
                    if hit is None or hit[0] is not source:
                        return _MISS
                    value = hit[1]
                else:
                    completed[key] = what
                    continue
                if value is None:
                    if non_null:
                        return _MISS
                    completed[key] = None
                elif coerce is not None:
                    coerced = coerce(value)
                    if coerced is None or coerced is Undefined:
                        return _MISS
                    completed[key] = coerced
                else:
                    value = nested(value, info)
                    if value is _MISS:
                        return _MISS
                    completed[key] = value
        except Exception:  # the general path raises it again, located
            return _MISS
        return completed

    return complete
