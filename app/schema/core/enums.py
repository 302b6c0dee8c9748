"""GraphQL enums are the Python enums of the models and services, not copies of them.

`app/models` and `app/services` know nothing of strawberry, so the schema layer registers
their classes: `graphql_enum` applies `strawberry.enum` to the class itself and gives the
type and every value its description. A resolver therefore receives the model's (or
service's) member from an argument and a type returns it unchanged: nothing converts.

Each domain registers its enums in `app/schema/<domain>/enums.py`; schema modules import
enums from there (importing it is what registers them). Where the API shows something that
differs from a Python enum (a subset, other names), the schema declares its own enum whose
member values are the Python enum's members, so `.value` is the one conversion and
`tests/test_enums.py` checks the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from app.services.core.pagination import Direction

E = TypeVar("E", bound=type[Enum])


def graphql_enum(
    cls: E, description: str, values: Mapping[str, str], *, name: str | None = None
) -> E:
    """Register `cls` as the GraphQL enum `name` (default: the class name) with `description`
    and one description per member (`values`: member name -> text, exactly the members)."""
    if not (isinstance(cls, type) and issubclass(cls, Enum)):
        raise TypeError(f"{cls!r} is not an Enum")
    if "__strawberry_definition__" in cls.__dict__:
        raise TypeError(f"{cls.__qualname__} is already a GraphQL enum")
    members = [member.name for member in cls]
    if sorted(values) != sorted(members):
        missing = sorted(set(members) - set(values))
        unknown = sorted(set(values) - set(members))
        raise ValueError(
            f"descriptions of {cls.__qualname__} must name exactly its members: "
            f"missing {missing}, unknown {unknown}"
        )
    strawberry.enum(cls, name=name, description=description)
    definition: StrawberryEnumDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values[value.name]
    return cls


OrderDirection = graphql_enum(
    Direction,
    "Sort direction of an ordering.",
    {
        "ASC": "Ascending (smallest, oldest, A first).",
        "DESC": "Descending (largest, newest, Z first).",
    },
    name="OrderDirection",
)
