"""The plain-object plan (app/schema/core/execution.py) answers exactly what graphql-core does.

Every query runs twice, with `PlainObjectExecutor` and with strawberry's own executor, and
the results (data, errors, their paths and messages) must be identical; a counter shows the
plan was used where it should be.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql import is_object_type
from pydantic import ValidationError
from strawberry.extensions import SchemaExtension
from strawberry.resolvers import is_default_resolver
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from app.schema.core.execution import PlainObjectExecutor
from app.schema.core.scalars import SCALARS
from app.settings import Settings, get_settings

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Price:
    amount: Decimal
    currency: str


@strawberry.type
class Item(Named):
    id: int
    colour: Colour
    price: Price
    note: str | None
    count: int
    maybe_price: Price | None

    @strawberry.field
    def doubled(self, factor: int = 2) -> int:
        return self.count * factor

    @strawberry.field
    def label(self) -> str:
        """A computed field: a resolver of the object only."""
        if self.count < 0:
            raise ValueError("no label for a negative count")
        return f"{self.name} ({self.colour.value})"

    @strawberry.field
    def prices(self) -> list[Price]:
        """A computed list of plain objects."""
        return [self.price] * self.count

    @strawberry.field
    def spelled(self, info: strawberry.Info) -> str:
        """Takes info: not computed, the general path."""
        return str(self.count)


@strawberry.type
class Query:
    @strawberry.field
    def items(self, broken: str = "") -> list[Item | None]:
        out: list[Any] = []
        for i in range(3):
            item = Item(
                id=i,
                name=f"item {i}",
                colour=Colour.RED if i % 2 else Colour.BLUE,
                price=Price(amount=Decimal(f"{i}.50"), currency="CNY"),
                note=None if i == 1 else f"note {i}",
                count=i,
                maybe_price=None,
            )
            if broken == "null" and i == 2:
                item.name = None  # type: ignore[assignment]
            if broken == "leaf" and i == 1:
                item.count = "many"  # type: ignore[assignment]
            if broken == "nested" and i == 0:
                item.price = Price(amount=None, currency="CNY")  # type: ignore[arg-type]
            if broken == "type" and i == 1:
                item.price = "not a price"  # type: ignore[assignment]
            if broken == "computed" and i == 2:
                item.count = -1
            out.append(None if broken == "gap" and i == 1 else item)
        return tuple(out) if broken == "tuple" else out

    @strawberry.field
    def named(self) -> Named:
        return Item(
            id=9,
            name="nine",
            colour=Colour.RED,
            price=Price(amount=Decimal("9"), currency="CNY"),
            note=None,
            count=9,
            maybe_price=None,
        )


class ResolveHook(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        return result.upper() if isinstance(result, str) and result.startswith("note") else result


def _schemas(extensions: list[Any] | None = None) -> tuple[strawberry.Schema, strawberry.Schema]:
    def build(executor: Any) -> strawberry.Schema:
        return strawberry.Schema(
            query=Query,
            config=StrawberryConfig(scalar_map=SCALARS),
            extensions=extensions or [],
            execution_context_class=executor,
        )

    return build(PlainObjectExecutor), build(StrawberryGraphQLCoreExecutionContext)


def _shape(result: Any) -> Any:
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, sorted(errors, key=str)


QUERIES = {
    "plain": "{ items { id name colour note count price { amount currency } } }",
    "aliases, typename, fragments": """
        { items { __typename key: id ...F price { __typename a: amount amount } } }
        fragment F on Item { name n2: name colour }
    """,
    "skip and include": """
        query ($on: Boolean!) { items { id note @include(if: $on) count @skip(if: $on)
                                        price @include(if: $on) { amount } } }
    """,
    "mixed with a resolver": "{ items { id doubled d3: doubled(factor: 3) price { amount } } }",
    "null in a non-null field": '{ items(broken: "null") { id name price { amount } } }',
    "leaf that does not coerce": '{ items(broken: "leaf") { id count } }',
    "null deep in a nested object": '{ items(broken: "nested") { id price { amount } } }',
    "nested value of the wrong type": '{ items(broken: "type") { id price { amount } } }',
    "nullable nested object": "{ items { id maybePrice { amount } } }",
    "a null item in a list": '{ items(broken: "gap") { id price { amount } } }',
    "a tuple for a list": '{ items(broken: "tuple") { id name } }',
    "interface": "{ named { __typename name ... on Item { id colour price { amount } } } }",
    "computed fields": "{ items { id label prices { amount } p: prices { currency } } }",
    "a computed field that raises": '{ items(broken: "computed") { id label } }',
    "a computed list with a wrong item": '{ items(broken: "type") { id prices { amount } } }',
    "a resolver taking info": "{ items { id label spelled } }",
}


@pytest.mark.parametrize("name", list(QUERIES))
async def test_the_plan_answers_what_graphql_core_answers(name: str) -> None:
    fast, general = _schemas()
    for variables in ({"on": True}, {"on": False}):
        mine = await fast.execute(QUERIES[name], variable_values=variables)
        theirs = await general.execute(QUERIES[name], variable_values=variables)
        assert _shape(mine) == _shape(theirs)
        assert mine.data is not None or mine.errors


async def test_plain_selections_are_planned_and_others_are_not() -> None:
    fast, _ = _schemas()
    before = PlainObjectExecutor.plans_built
    result = await fast.execute(QUERIES["plain"])
    assert result.errors is None
    assert PlainObjectExecutor.plans_built - before == 2  # Item and Price, once per execution

    before = PlainObjectExecutor.plans_built
    result = await fast.execute(QUERIES["mixed with a resolver"])
    assert result.errors is None
    assert PlainObjectExecutor.plans_built - before == 1  # Price only: Item has a resolver


async def test_computed_fields_are_planned_and_resolvers_taking_info_are_not() -> None:
    fast, _ = _schemas()
    before = PlainObjectExecutor.plans_built
    result = await fast.execute(QUERIES["computed fields"])
    assert result.errors is None
    assert result.data["items"][1]["label"] == "item 1 (RED)"
    assert len(result.data["items"][2]["prices"]) == 2
    # Item, and Price under each of the two response keys
    assert PlainObjectExecutor.plans_built - before == 3

    before = PlainObjectExecutor.plans_built
    result = await fast.execute(QUERIES["a resolver taking info"])
    assert result.errors is None
    assert PlainObjectExecutor.plans_built == before


async def test_a_resolve_hook_keeps_every_field_on_the_general_path() -> None:
    fast, general = _schemas([ResolveHook])
    before = PlainObjectExecutor.plans_built
    mine = await fast.execute(QUERIES["plain"])
    theirs = await general.execute(QUERIES["plain"])
    assert _shape(mine) == _shape(theirs)
    assert mine.data["items"][0]["note"] == "NOTE 0"  # the hook ran on a plain field
    assert PlainObjectExecutor.plans_built == before


def test_the_app_schema_uses_the_configured_executor() -> None:
    from app.schema import schema

    expected = (
        PlainObjectExecutor
        if get_settings().plain_object_executor
        else StrawberryGraphQLCoreExecutionContext
    )
    assert schema.execution_context_class is expected


def test_the_plan_is_on_by_default_and_the_setting_switches_it_off() -> None:
    from app.schema import build_schema

    assert Settings.model_fields["plain_object_executor"].default is True
    on = build_schema(Settings(plain_object_executor=True))
    off = build_schema(Settings(plain_object_executor=False))
    assert on.execution_context_class is PlainObjectExecutor
    assert off.execution_context_class is StrawberryGraphQLCoreExecutionContext


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("0", False), ("true", True)])
def test_the_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("PLAIN_OBJECT_EXECUTOR", value)
    assert Settings().plain_object_executor is expected


def test_a_setting_that_is_not_a_boolean_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAIN_OBJECT_EXECUTOR", "sometimes")
    with pytest.raises(ValidationError, match="plain_object_executor"):
        Settings()


def _fields(schema: strawberry.Schema) -> list[tuple[str, Any, Any]]:
    """(Type.field, strawberry definition, GraphQL resolve) of every object type's fields."""
    return [
        (f"{name}.{field_name}", field.extensions.get(DEFINITION), field.resolve)
        for name, graphql_type in schema._schema.type_map.items()
        if is_object_type(graphql_type) and not name.startswith("__")
        for field_name, field in graphql_type.fields.items()
    ]


def test_strawberry_marks_its_default_resolver() -> None:
    """The plan trusts `is_default_resolver` (strawberry's public marker), not a closure's
    name: if an upgrade stops marking basic fields, this fails (and the plan goes unused)."""
    from app.schema import schema

    fast, _ = _schemas()
    marked = {name for name, _, resolve in _fields(fast) if is_default_resolver(resolve)}
    assert {"Item.name", "Item.count", "Price.amount"} <= marked
    assert "Item.doubled" not in marked  # a resolver of our own
    assert "Query.items" not in marked

    basic = [(name, resolve) for name, d, resolve in _fields(schema) if d and d.is_basic_field]
    assert len(basic) > 100
    assert [name for name, resolve in basic if not is_default_resolver(resolve)] == []
    assert "Money.amount" in {name for name, _ in basic}


async def test_a_field_without_the_marker_keeps_the_general_path() -> None:
    fast, general = _schemas()
    amount = fast._schema.type_map["Price"].fields["amount"]  # type: ignore[union-attr]
    marked = amount.resolve

    def unmarked(source: Any, info: Any, **kwargs: Any) -> Any:
        return marked(source, info, **kwargs)

    amount.resolve = unmarked
    before = PlainObjectExecutor.plans_built
    mine = await fast.execute(QUERIES["plain"])
    theirs = await general.execute(QUERIES["plain"])
    assert _shape(mine) == _shape(theirs)
    assert mine.errors is None
    # Price is no longer plain, so neither is Item, which selects it.
    assert PlainObjectExecutor.plans_built == before
