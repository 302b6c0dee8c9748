"""The shape rules and the cost walk do work linear in the document (visits counted, not timed),
and each limit refuses what is over it and admits what is not."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, parse, validate

from app.http.cost import CostArgumentError, CostCalculator
from app.http.throttle import Throttle
from app.schema import schema
from app.schema.core.limits import DocumentShape, shape_rules

SCHEMA = schema._schema


def chain(levels: int, leaf: str, spreads: int = 2, on: str = "Query") -> str:
    parts = [f"fragment F0 on {on} {{ {leaf} }}"]
    for i in range(1, levels):
        parts.append(f"fragment F{i} on {on} {{ {' '.join([f'...F{i - 1}'] * spreads)} }}")
    return " ".join(parts)


def selections(document) -> int:
    """How many selections (fields, spreads, inline fragments) the document's text holds."""
    count = 0

    def walk(selection_set):
        nonlocal count
        for selection in selection_set.selections:
            count += 1
            if getattr(selection, "selection_set", None) is not None:
                walk(selection.selection_set)

    for definition in document.definitions:
        walk(definition.selection_set)
    return count


def cost_walk(query: str, variables=None):
    document = parse(query)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(d for d in document.definitions if not isinstance(d, FragmentDefinitionNode))
    return CostCalculator(SCHEMA, 20, 100, 10).walk(operation, fragments, variables or {})


@pytest.mark.parametrize("levels", [5, 10, 20, 40])
@pytest.mark.parametrize("spreads", [2, 3])
def test_the_shape_walk_visits_each_selection_once(levels, spreads):
    document = parse(f"{{ ...F{levels - 1} }} " + chain(levels, "viewer { kind }", spreads))

    shape = DocumentShape(document)

    # spreads^levels paths, yet each selection of the text is visited once
    assert shape.visits == selections(document)
    assert shape.operations[0].depth == 1


@pytest.mark.parametrize("levels", [5, 10, 20, 40])
def test_the_cost_walk_visits_each_selection_once_per_role(levels):
    top = levels - 1
    query = (
        f"{{ customers(first: 2) {{ nodes {{ ...F{top} }} ...E }} }} "
        f"fragment E on CustomerConnection {{ edges {{ node {{ ...F{top} }} }} }} "
    ) + chain(levels, "accountManager { name }", on="Customer")

    walk = cost_walk(query)

    assert walk.visits <= selections(parse(query))
    # one node: the larger of `nodes` and `edges.node`, each 1 + 2^(levels-1) managers
    assert walk.total == 2 + 2 * (1 + 2 ** (levels - 1))


def test_depth_counts_fields_through_fragments():
    rules = shape_rules(max_depth=2, max_aliases=30, max_repeats=20)
    ok = parse("{ viewer { partner { name } } }")
    deep = parse("{ viewer { ...P } } fragment P on Viewer { partner { account { id } } }")

    assert validate(SCHEMA, ok, rules) == []
    [error] = validate(SCHEMA, deep, rules)
    assert error.extensions["code"] == "MAX_DEPTH_EXCEEDED"
    assert "depth of 2" in error.message


@pytest.mark.parametrize(("spreads", "refused"), [(3, False), (4, True)])
def test_aliases_count_once_per_spread(spreads, refused):
    # a fragment with 3 aliases, spread in `spreads` places: 3 x spreads aliases
    places = " ".join(f"v{i}: viewer {{ ...A }}" for i in range(spreads))
    document = parse("{ " + places + " } fragment A on Viewer { a: kind b: kind c: kind }")

    errors = validate(SCHEMA, document, shape_rules(12, 3 * 3 + 3, 20))

    assert [e.extensions["code"] for e in errors] == (["MAX_ALIASES_EXCEEDED"] if refused else [])


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("{ " + "viewer { kind } " * 20 + "}", False),
        ("{ " + "viewer { kind } " * 21 + "}", True),
        ("{ " + ("viewer { " + "partner { name } " * 5 + "} ") * 4 + "}", False),
        ("{ " + ("viewer { " + "partner { name } " * 5 + "} ") * 5 + "}", True),
        # the same fragment spread twice in one set merges into one set of fields
        ("{ " + "...V " * 40 + "} fragment V on Query { viewer { kind } }", False),
    ],
)
def test_repeated_fields_are_bounded_through_nesting(query, refused):
    errors = validate(SCHEMA, parse(query), shape_rules(12, 30, 20))

    codes = [e.extensions["code"] for e in errors]
    assert codes == (["MAX_FIELD_REPEATS_EXCEEDED"] if refused else [])


def test_fragment_cycles_do_not_loop():
    document = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")

    shape = DocumentShape(document)

    assert shape.visits == 3
    assert validate(SCHEMA, document)  # NoFragmentCycles reports it


def test_variables_inside_fragments_are_those_of_the_operation():
    query = (
        "query Q($n: Int) { ...P ...P } "
        "fragment P on Query { customers(first: $n) { nodes { id } } }"
    )

    assert cost_walk(query, {"n": 7}).total == 2 * (2 + 7)
    assert cost_walk(query, {"n": None}).total == 2 * (2 + 20)


@pytest.mark.parametrize("value", [-100000, -1, 0, 101, 2**40])
def test_the_cost_walk_refuses_out_of_range_pages_and_is_never_negative(value):
    query = (
        "query Q($n: Int) "
        "{ customers(first: 5) { nodes { resources(first: $n) { nodes { id } } } } }"
    )

    with pytest.raises(CostArgumentError) as refused:
        cost_walk(query, {"n": value})

    assert "between 1 and 100" in refused.value.message


def test_a_reservation_is_all_or_nothing_and_refunds_stop_at_full():
    throttle = Throttle(maximum=100, restore_rate=0)

    assert throttle.reserve("k", 60)
    assert not throttle.reserve("k", 60)  # 40 left: nothing taken
    assert throttle.status("k").currently_available == 40
    throttle.refund("k", 500)
    assert throttle.status("k").currently_available == 100


@pytest.mark.parametrize(("missing", "seconds"), [(1, 1), (50, 1), (51, 2), (510, 11), (500, 10)])
def test_the_wait_is_rounded_up(missing, seconds):
    throttle = Throttle(maximum=1000, restore_rate=50)
    throttle.spend("k", missing)

    assert throttle.seconds_until("k", 1000) == seconds
