"""One enum per concept: every GraphQL enum is a model's or a service's Python enum.

`app/schema/core/enums.py` registers the Python classes themselves (`graphql_enum`), so a
value flows from an argument to a service and from a row to a response unchanged. These
tests walk the built schema and every module of `app/` and fail when a hand copy, a second
enum for one concept, or a value without a description creeps back in.
"""

from __future__ import annotations

import importlib
import inspect
from collections import defaultdict
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import GraphQLEnumType
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.models.funds.enums import AdjustmentKind, LedgerAccount
from app.schema import schema
from app.schema.core.enums import graphql_enum
from app.schema.core.execution import PlainObjectExecutor, _enum_names
from app.schema.funds.enums import AdjustmentInputKind, PartnerLedgerAccount
from app.services.funds.statements import STATEMENT_ACCOUNTS

APP = Path(__file__).resolve().parents[2] / "app"

# GraphQL enums that must differ from their Python enum (a subset, other names). Each is
# declared in the schema with the Python enum's members as values; tested below.
SCHEMA_ONLY = {"AdjustmentInputKind", "PartnerLedgerAccount"}

# Python enums with the same members that are nevertheless different concepts.
SAME_MEMBERS_DIFFERENT_CONCEPTS = {
    frozenset(
        {
            # who paid an order / whom a refund went to
            "app.models.orders.enums.OrderPayer",
            # who started an association change (a rule input, not in the API)
            "app.services.lifecycle.association_rules.Initiator",
        }
    ),
}


def _graphql_enums() -> dict[str, GraphQLEnumType]:
    return {
        name: type_
        for name, type_ in schema._schema.type_map.items()
        if isinstance(type_, GraphQLEnumType) and not name.startswith("__")
    }


def _python_enums() -> dict[str, type[Enum]]:
    """Every Enum class defined in a module of `app/`, by dotted path."""
    found: dict[str, type[Enum]] = {}
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        module_name = ".".join(parts).removesuffix(".__init__")
        if module_name == "app.__main__":
            continue
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Enum)
                and value.__module__ == module_name
            ):
                found[f"{module_name}.{value.__qualname__}"] = value
    return found


def test_the_schema_has_enums_to_check() -> None:
    assert len(_graphql_enums()) >= 45


@pytest.mark.parametrize("name", sorted(_graphql_enums()))
def test_each_graphql_enum_is_the_python_enum_of_its_layer(name: str) -> None:
    graphql_type = _graphql_enums()[name]
    cls = graphql_type.wrapped_cls  # type: ignore[attr-defined]
    assert issubclass(cls, Enum)
    if name in SCHEMA_ONLY:
        assert cls.__module__.startswith("app.schema.")
    else:
        assert cls.__module__.startswith(("app.models.", "app.services.")), (
            f"{name} is declared in {cls.__module__}: expose the model's or service's enum "
            "with graphql_enum instead of a copy"
        )
        # Names and values agree, so the member is what the database and services hold.
        assert [m.name for m in cls] == [m.value for m in cls]
    assert list(graphql_type.values) == [m.name for m in cls]


@pytest.mark.parametrize("name", sorted(_graphql_enums()))
def test_each_graphql_enum_and_value_has_a_description(name: str) -> None:
    graphql_type = _graphql_enums()[name]
    assert graphql_type.description
    for value_name, value in graphql_type.values.items():
        assert value.description and value.description.strip(), f"{name}.{value_name}"


def test_no_two_python_enums_share_their_members_for_one_concept() -> None:
    by_members: dict[frozenset[str], list[str]] = defaultdict(list)
    for path, cls in _python_enums().items():
        by_members[frozenset(m.name for m in cls)].append(path)
    duplicates = {
        frozenset(paths)
        for paths in by_members.values()
        if len(paths) > 1 and frozenset(paths) not in SAME_MEMBERS_DIFFERENT_CONCEPTS
    }
    assert duplicates == set()


def test_every_python_enum_of_models_is_in_the_schema_or_internal() -> None:
    """A model enum not in the API is fine (the ledger's accounts), but it is then named here,
    so adding a GraphQL copy of it instead of registering it fails above."""
    exposed = {type_.wrapped_cls for type_ in _graphql_enums().values()}  # type: ignore[attr-defined]
    internal = {
        path
        for path, cls in _python_enums().items()
        if path.startswith("app.models.") and cls not in exposed
    }
    assert internal == {"app.models.funds.enums.LedgerAccount"}


def test_adjustment_input_kind_is_the_manual_subset_of_adjustment_kind() -> None:
    values = [member.value for member in AdjustmentInputKind]
    assert all(isinstance(v, AdjustmentKind) for v in values)
    assert len(set(values)) == len(values)
    assert set(values) == set(AdjustmentKind) - {AdjustmentKind.UNBIND_RETRIEVE}
    assert [m.name for m in AdjustmentInputKind] == [v.name for v in values]


def test_partner_ledger_account_maps_onto_the_statement_accounts_both_ways() -> None:
    values = [member.value for member in PartnerLedgerAccount]
    assert all(isinstance(v, LedgerAccount) for v in values)
    assert len(set(values)) == len(values)
    assert set(values) == set(STATEMENT_ACCOUNTS)
    assert {m.name for m in PartnerLedgerAccount} == {
        v.name.removeprefix("PARTNER_") for v in STATEMENT_ACCOUNTS
    }


# graphql_enum itself


def test_graphql_enum_registers_the_class_itself_with_descriptions() -> None:
    class Shade(StrEnum):
        LIGHT = "LIGHT"
        DARK = "DARK"

    assert graphql_enum(Shade, "A shade.", {"LIGHT": "Light.", "DARK": "Dark."}) is Shade
    definition = Shade.__strawberry_definition__  # type: ignore[attr-defined]
    assert (definition.name, definition.description) == ("Shade", "A shade.")
    assert [(v.name, v.value, v.description) for v in definition.values] == [
        ("LIGHT", "LIGHT", "Light."),
        ("DARK", "DARK", "Dark."),
    ]
    assert Shade("DARK") is Shade.DARK  # the Python enum is untouched


def test_graphql_enum_takes_another_graphql_name() -> None:
    class Way(StrEnum):
        UP = "UP"

    graphql_enum(Way, "A way.", {"UP": "Up."}, name="Direction2")
    assert Way.__strawberry_definition__.name == "Direction2"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("descriptions", "message"),
    [
        ({"LIGHT": "Light."}, r"missing \['DARK'\], unknown \[\]"),
        ({"LIGHT": "Light.", "DARK": "Dark.", "DIM": "Dim."}, r"missing \[\], unknown \['DIM'\]"),
        ({}, r"missing \['DARK', 'LIGHT'\]"),
    ],
)
def test_graphql_enum_refuses_descriptions_that_are_not_exactly_the_members(
    descriptions: dict[str, str], message: str
) -> None:
    class Shade(StrEnum):
        LIGHT = "LIGHT"
        DARK = "DARK"

    with pytest.raises(ValueError, match=message):
        graphql_enum(Shade, "A shade.", descriptions)
    assert "__strawberry_definition__" not in Shade.__dict__


def test_graphql_enum_refuses_to_register_a_class_twice() -> None:
    class Shade(StrEnum):
        LIGHT = "LIGHT"

    graphql_enum(Shade, "A shade.", {"LIGHT": "Light."})
    with pytest.raises(TypeError, match="already a GraphQL enum"):
        graphql_enum(Shade, "Another.", {"LIGHT": "Light."})


def test_graphql_enum_refuses_a_class_that_is_not_an_enum() -> None:
    class NotAnEnum:
        LIGHT = "LIGHT"

    with pytest.raises(TypeError):
        graphql_enum(NotAnEnum, "A shade.", {"LIGHT": "Light."})  # type: ignore[type-var]


# Values flow unchanged, on both executors


class Tone(StrEnum):
    WARM = "WARM"
    COOL = "COOL"


graphql_enum(Tone, "A tone.", {"WARM": "Warm.", "COOL": "Cool."})


@strawberry.type
class Swatch:
    tone: Tone
    maybe: Tone | None


@strawberry.type
class EnumQuery:
    @strawberry.field
    def swatches(self, tones: list[Tone], raw: bool = False, bad: bool = False) -> list[Swatch]:
        # An argument arrives as the Python enum's own member.
        assert all(type(t) is Tone for t in tones)
        out: list[Any] = [Swatch(tone=t, maybe=None if i else t) for i, t in enumerate(tones)]
        if raw:  # a plain string (a Core row's value) serializes the same
            out.append(Swatch(tone="COOL", maybe="WARM"))  # type: ignore[arg-type]
        if bad:
            out.append(Swatch(tone="PURPLE", maybe=None))  # type: ignore[arg-type]
        return out


def _executors() -> list[strawberry.Schema]:
    return [
        strawberry.Schema(query=EnumQuery, config=StrawberryConfig(), execution_context_class=e)
        for e in (PlainObjectExecutor, StrawberryGraphQLCoreExecutionContext)
    ]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            "",
            [{"tone": "WARM", "maybe": "WARM"}, {"tone": "COOL", "maybe": None}],
        ),
        (
            "raw: true",
            [
                {"tone": "WARM", "maybe": "WARM"},
                {"tone": "COOL", "maybe": None},
                {"tone": "COOL", "maybe": "WARM"},
            ],
        ),
    ],
)
async def test_model_enum_values_serialize_on_both_executors(flags: str, expected: Any) -> None:
    query = f"{{ swatches(tones: [WARM, COOL] {flags}) {{ tone maybe }} }}"
    for built in _executors():
        result = await built.execute(query)
        assert result.errors is None
        assert result.data == {"swatches": expected}


async def test_an_unknown_enum_value_is_the_same_error_on_both_executors() -> None:
    query = "{ swatches(tones: [WARM], bad: true) { tone } }"
    shapes = []
    for built in _executors():
        result = await built.execute(query)
        assert result.errors
        shapes.append((result.data, [(e.message, e.path) for e in result.errors]))
    assert shapes[0] == shapes[1]
    assert shapes[0][1][0][1] == ["swatches", 1, "tone"]


async def test_an_unknown_enum_argument_is_refused() -> None:
    for built in _executors():
        result = await built.execute("{ swatches(tones: [PURPLE]) { tone } }")
        assert result.errors and "PURPLE" in result.errors[0].message


@pytest.mark.parametrize("name", sorted(_graphql_enums()))
def test_the_plain_plan_coerces_each_enum_as_strawberry_does(name: str) -> None:
    """The fast executor's dict lookup names what strawberry's coercion names, for a member
    of the Python enum and for its raw value alike, and refuses what is not a value."""
    graphql_type = _graphql_enums()[name]
    names = _enum_names(graphql_type)
    for member in graphql_type.wrapped_cls:  # type: ignore[attr-defined]
        assert names(member) == graphql_type.coerce_output_value(member) == member.name
        assert names(member.value) == graphql_type.coerce_output_value(member.value)
    assert names("NOT A VALUE") is None
    with pytest.raises(Exception, match="NOT A VALUE"):
        graphql_type.coerce_output_value("NOT A VALUE")
