"""Input hygiene, once for every input: text that no column can hold is refused up front.

A NUL character (U+0000) or a lone surrogate (half of a UTF-16 pair, not Unicode) in any
string a client sends would reach the database driver and fail there (asyncpg refuses both).
They are refused before execution as a top-level `BAD_USER_INPUT` naming where they were:

- in variables: every string of the variable values, keys too, whatever its type (String, ID,
  a scalar's text), by `InputHygiene` before execution;
- in literals: every string value of an argument or a variable's default, by `InputValuesRule`
  (graphql-core's `ValuesOfCorrectTypeRule`, which also names the argument path of a value
  that a scalar refused, such as a malformed `Amount`). The lexer already refuses a lone
  surrogate inside a document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    VisitorAction,
)
from graphql.language import SKIP, ArgumentNode, VariableDefinitionNode
from graphql.pyutils import print_path_list
from graphql.utilities.validate_input_value import validate_input_literal
from graphql.validation import ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

from app.schema.core.scalars import BAD_USER_INPUT
from app.services.core.text import text_problem


def _strings(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    """Every string inside a JSON value (object keys too), with its path; no recursion, so
    nesting depth costs nothing but the walk."""
    stack: list[tuple[Any, list[str | int]]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    yield [*where, key], key
                stack.append((child, [*where, key]))
        elif isinstance(item, list | tuple):
            stack.extend((child, [*where, i]) for i, child in enumerate(item))


def variables_error(variables: dict[str, Any] | None) -> GraphQLError | None:
    """The first variable value holding text that cannot be stored, as a GraphQL error."""
    for name, value in (variables or {}).items():
        if isinstance(name, str) and (problem := text_problem(name)):
            return GraphQLError(
                f"A variable name is invalid: {problem}.", extensions=dict(BAD_USER_INPUT)
            )
        for path, text in _strings(value, []):
            if problem := text_problem(text):
                return GraphQLError(
                    f"Variable '${name}' has invalid value{print_path_list(path)}: {problem}.",
                    extensions=dict(BAD_USER_INPUT),
                )
    return None


def _literal_strings(
    node: ValueNode, path: list[str | int]
) -> Iterator[tuple[list[str | int], StringValueNode]]:
    stack: list[tuple[ValueNode, list[str | int]]] = [(node, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, StringValueNode):
            yield where, item
        elif isinstance(item, ObjectValueNode):
            stack.extend((f.value, [*where, f.name.value]) for f in item.fields)
        elif isinstance(item, ListValueNode):
            stack.extend((v, [*where, i]) for i, v in enumerate(item.values))


class InputValuesRule(ValuesOfCorrectTypeRule):
    """`ValuesOfCorrectTypeRule` that names the argument of a refused literal and refuses
    text that cannot be stored (both `BAD_USER_INPUT`)."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._owner = "A value"

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._owner = f"Argument '{node.name.value}'"

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        self._owner = f"Variable '${node.variable.name.value}' default value"

    def is_valid_value_node(self, node: ValueNode, input_type: Any) -> VisitorAction:
        owner = self._owner
        if input_type:

            def on_error(error: GraphQLError, path: list[str | int]) -> None:
                if (error.extensions or {}).get("code") != BAD_USER_INPUT["code"]:
                    self.report_error(error)
                    return
                self.report_error(
                    GraphQLError(
                        f"{owner} has invalid value{print_path_list(path)}: {error.message}",
                        node,
                        extensions=dict(BAD_USER_INPUT),
                    )
                )

            validate_input_literal(
                node, input_type, on_error, None, None, self.context.hide_suggestions
            )
        for path, string in _literal_strings(node, []):
            if problem := text_problem(string.value):
                self.report_error(
                    GraphQLError(
                        f"{owner} has invalid value{print_path_list(path)}: {problem}.",
                        string,
                        extensions=dict(BAD_USER_INPUT),
                    )
                )
        return SKIP


class InputHygiene(SchemaExtension):
    """Puts `InputValuesRule` in the place of graphql-core's rule, and refuses variables
    holding text that cannot be stored before anything executes."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            InputValuesRule if rule is ValuesOfCorrectTypeRule else rule
            for rule in context.validation_rules
        )
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        error = variables_error(context.variables)
        if error is not None:
            context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
