"""Requests of the two-tenant probe, generated from the schema (tests/core/test_tenant_probe.py).

For every root field, the argument paths that carry an `ID` (`id`, `customerIds`,
`filter.customerId`, `input.lines.resourceId`, ...) are found by walking the argument types,
the object type each id stands for is inferred from its name (or, for a bare `id`, from the
field), and the rest of the arguments are filled with valid values generated from their types.
Anything the generator cannot build raises `NoRule` naming the field and the path, so a new
field is never skipped silently: someone adds a rule here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)

from app.schema import schema
from app.schema.core.roots import NODE_TYPES

SCHEMA = schema._schema
ANY = "*"  # an id slot that takes any object (`node`, `auditEvents(filter: {objectId})`)
# Id argument names whose object type is not their Pascal-cased stem.
STEM_TYPES = {
    "manager": "PartnerUser",
    "accountManager": "PartnerUser",
    "user": "PartnerUser",
    "token": "ApiToken",
    "object": ANY,
    "quota": "CouponQuota",  # issueCoupons(input: {quotaId}), couponQuotaRecords(quotaId)
    "upTo": "PartnerNotification",  # markPartnerNotificationsRead(input: {upToId})
    "profile": "InvoiceProfile",  # updateInvoiceProfile(input: {profileId}), ...
}
# couponIds / lines.pickupVoucherId of orders: their own node types once the coupons schema
# has them (the Pascal-cased stem then finds them); until then any object's id.
for _stem, _type in (("coupon", "Coupon"), ("pickupVoucher", "PickupVoucher")):
    if _type not in NODE_TYPES:
        STEM_TYPES[_stem] = ANY
TEXT = "probe text"
_keys = itertools.count(1)


class NoRule(Exception):
    """The generator has no rule for an argument: add one (the message says where)."""


@dataclass(frozen=True)
class Slot:
    """An `ID` leaf among a field's arguments: its path and the object type it names."""

    path: tuple[str, ...]
    type_name: str
    is_list: bool

    def __str__(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class RootField:
    operation: str  # "query" or "mutation"
    name: str
    field: GraphQLField

    @property
    def label(self) -> str:
        return f"{self.operation}.{self.name}"


def root_fields() -> list[RootField]:
    roots = [("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)]
    return [
        RootField(op, name, field)
        for op, root in roots
        if root is not None
        for name, field in root.fields.items()
    ]


def _unwrap(type_: Any) -> Any:
    return type_.of_type if is_non_null_type(type_) else type_


def _required(arg: Any) -> bool:
    return is_non_null_type(arg.type) and arg.default_value is Undefined


def _id_paths(type_: GraphQLInputType, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], bool]]:
    inner = _unwrap(type_)
    is_list = is_list_type(inner)
    named = get_named_type(type_)
    if named is GraphQLID:
        return [(path, is_list)]
    if isinstance(named, GraphQLInputObjectType):
        return [
            found
            for name, field in named.fields.items()
            for found in _id_paths(field.type, (*path, name))
        ]
    return []


def _noun_type(mutation: str) -> str | None:
    """`approveDisassociationRequest` -> `DisassociationRequest`, `confirmAssociationChange` ->
    `AssociationChangeRequest`: the shortest node type the mutation's noun starts; else the
    longest node type the noun starts with (`markPartnerNotificationsRead` ->
    `PartnerNotification`)."""
    noun = re.sub(r"^[a-z]+", "", mutation)
    matches = sorted((t for t in NODE_TYPES if t.startswith(noun)), key=len)
    if matches:
        return matches[0]
    prefixes = sorted((t for t in NODE_TYPES if noun.startswith(t)), key=len)
    return prefixes[-1] if prefixes else None


def _slot_type(root: RootField, path: tuple[str, ...]) -> str:
    leaf = path[-1]
    if leaf in ("id", "ids"):
        returned = get_named_type(root.field.type)
        if isinstance(returned, GraphQLInterfaceType) and returned.name == "Node":
            return ANY
        if returned.name in NODE_TYPES:
            return returned.name
        if root.operation == "mutation" and (noun := _noun_type(root.name)):
            return noun
    else:
        stem = re.sub(r"Ids?$", "", leaf)
        if stem in STEM_TYPES:
            return STEM_TYPES[stem]
        pascal = stem[:1].upper() + stem[1:]
        if pascal in NODE_TYPES:
            return pascal
    raise NoRule(
        f"{root.label}: no rule for the object type of the id at {'.'.join(path)}; "
        "add one to STEM_TYPES in tests/core/probe_generator.py"
    )


def id_slots(root: RootField) -> list[Slot]:
    return [
        Slot(path, _slot_type(root, path), is_list)
        for name, arg in root.field.args.items()
        for path, is_list in _id_paths(arg.type, (name,))
    ]


# --- argument values --------------------------------------------------------------------------

IdSource = Callable[[str], str]  # object type -> a global id the caller may use


def _text(name: str) -> str:
    if name == "idempotencyKey":
        return f"probe-{next(_keys)}"
    if "email" in name.lower():
        return "probe@example.test"
    if name in ("cycle", "billCycle"):
        return "2026-05"
    return TEXT_RULES.get(name, TEXT)


# Strings with a format, by argument name (a rule refusing the text would hide the id check).
TEXT_RULES = {
    "currency": "CNY",
    "creditCode": "91110000MA01ABCD1X",
    "contactPhone": "13812345678",
    "phone": "13812345678",
    "region": "cn-north-4",
}


def _moment(name: str) -> str:
    """A past moment, or a future one for the end of something."""
    if name == "validFrom":  # the start of a validity (createPickupVouchers)
        return "2026-06-14T04:00:00Z"
    if name.startswith(("ends", "expires", "until", "valid")):
        return "2026-09-15T04:00:00Z"
    return "2026-06-14T04:00:00Z"


# Integers with bounds, by argument name: a period (`PeriodInput.count`: 1-9 months or 1-3
# years, for order lines and pickup vouchers) that the rules accept.
INT_RULES = {"count": 1}

SCALARS: dict[str, Callable[[str], Any]] = {
    "String": _text,
    "Int": lambda name: INT_RULES.get(name, 10),
    "Float": lambda name: 1.0,
    "Boolean": lambda name: False,
    "Decimal": lambda name: "1.00",
    "Amount": lambda name: "1.00",
    "Date": lambda name: "2026-06-15",
    "DateTime": _moment,
    "BillCycle": lambda name: "2026-06",
    "JSON": lambda name: {},
}


def _value(
    root: RootField, type_: Any, path: tuple[str, ...], own_id: IdSource, *, full: bool = False
) -> Any:
    """A valid value of `type_`: required input fields only (all of them when `full`)."""
    inner = _unwrap(type_)
    if isinstance(inner, GraphQLList):
        return [_value(root, inner.of_type, path, own_id)]
    if inner is GraphQLID:
        return own_id(_slot_type(root, path))
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLScalarType):
        rule = SCALARS.get(inner.name)
        if rule is None:
            raise NoRule(
                f"{root.label}: no value rule for the scalar {inner.name} at {'.'.join(path)}; "
                "add one to SCALARS in tests/core/probe_generator.py"
            )
        return rule(path[-1])
    if isinstance(inner, GraphQLInputObjectType):
        return {
            name: _value(root, field.type, (*path, name), own_id)
            for name, field in inner.fields.items()
            if full or _required(field)
        }
    raise NoRule(f"{root.label}: no value rule for {inner} at {'.'.join(path)}")


def _place(
    root: RootField,
    arguments: dict[str, Any],
    slot: Slot,
    value: str,
    own_id: IdSource,
) -> None:
    """Put `value` at the slot's path, creating the enclosing inputs (valid otherwise)."""
    container: Any = arguments
    type_: Any = root.field.args[slot.path[0]].type
    for depth, name in enumerate(slot.path[:-1]):
        if name not in container:
            container[name] = _value(root, type_, slot.path[: depth + 1], own_id)
        container = container[name]
        if isinstance(container, list):
            container = container[0]
        named = get_named_type(type_)
        assert isinstance(named, GraphQLInputObjectType)
        type_ = named.fields[slot.path[depth + 1]].type
    container[slot.path[-1]] = [value] if slot.is_list else value


def arguments(
    root: RootField, own_id: IdSource, slot: Slot | None = None, value: str | None = None
) -> dict[str, Any]:
    """The required arguments (valid, the caller's own ids), with `value` at `slot`."""
    # a mutation's input gets its optional fields too: "give at least one of" rules pass
    full = root.operation == "mutation"
    values = {
        name: _value(root, arg.type, (name,), own_id, full=full)
        for name, arg in root.field.args.items()
        if _required(arg)
    }
    if slot is not None and value is not None:
        _place(root, values, slot, value, own_id)
    return values


# --- the document -----------------------------------------------------------------------------


def _conflicting(possible: list[GraphQLObjectType]) -> set[str]:
    """Field names the possible types declare with different types (they need aliases)."""
    seen: dict[str, set[str]] = {}
    for t in possible:
        for name, field in t.fields.items():
            seen.setdefault(name, set()).add(str(field.type))
    return {name for name, types in seen.items() if len(types) > 1}


def _selection(
    type_: GraphQLOutputType, depth: int, only: set[str] | None = None, alias: str = ""
) -> str:
    """Every field without required arguments, `depth` object levels down. Under an
    interface or union, the possible types (`only` those, when given) each get a type
    condition, and a field two of them declare differently is aliased after its type."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        possible = [t for t in SCHEMA.get_possible_types(named) if only is None or t.name in only]
        conflicting = _conflicting(possible)
        parts = ["__typename"]
        for t in possible:
            parts.append(f"... on {t.name} {_object(t, depth, conflicting, f'{t.name}_')}")
        return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType)
    return _object(named, depth, set(), alias)


def _object(named: GraphQLObjectType, depth: int, conflicting: set[str], alias: str) -> str:
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(_required(arg) for arg in field.args.values()):
            continue
        key = f"{alias}{name}: {name}" if name in conflicting else name
        if is_leaf_type(get_named_type(field.type)):
            parts.append(key)
        elif depth > 0:
            parts.append(f"{key} {_selection(field.type, depth - 1)}")
    return "{ " + " ".join(parts) + " }"


def document(root: RootField, values: dict[str, Any], only: set[str] | None = None) -> str:
    """One operation calling the field with every given argument as a variable (`only`:
    the possible types selected when the field returns an interface)."""
    names = list(values)
    definitions = ", ".join(f"${n}: {root.field.args[n].type}" for n in names)
    call = root.name + (f"({', '.join(f'{n}: ${n}' for n in names)})" if names else "")
    head = root.operation + (f" Probe({definitions})" if names else " Probe")
    return f"{head} {{ {call} {_selection(root.field.type, 2, only)} }}"


__all__ = [
    "ANY",
    "NoRule",
    "RootField",
    "Slot",
    "arguments",
    "document",
    "id_slots",
    "root_fields",
]
