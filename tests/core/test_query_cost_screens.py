"""The default cost limit admits every screen the console and the README use, with headroom
(value objects such as `Money` cost nothing, like the scalars they are made of)."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, GraphQLObjectType, get_named_type, parse

from app.http.cost import CostCalculator, value_types
from app.schema import schema
from app.settings import get_settings
from tests.core.readme_blocks import graphql_blocks
from tests.core.test_statement_counts import CONSOLE_SCREEN

SCHEMA = schema._schema
HEADROOM = 0.75  # a screen may use at most this share of the limit

# The console's customer list as the console sends it (Performance issue, query A).
CUSTOMER_LIST = """
query A($cycle: String) {
  customers(first: 50, orderBy: {field: NAME, direction: ASC}) {
    nodes {
      id name accountName associationType status
      account { balance { amount } available { amount } arrears { amount } }
      accountManager { name email }
      resources(first: 10) { nodes { id serviceType status expiresAt } }
      consumption(cycle: $cycle) { amounts { amountDue { amount } } }
    }
  }
}
"""


def cost(document: str, variables: dict | None = None, name: str | None = None) -> int:
    settings = get_settings()
    calculator = CostCalculator(
        SCHEMA, settings.default_page_size, settings.max_page_size, settings.introspection_cost
    )
    parsed = parse(document)
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in parsed.definitions if d not in fragments.values()]
    operation = next(o for o in operations if name is None or o.name.value == name)
    return calculator.requested(operation, fragments, variables)


def test_the_console_screens_fit_with_headroom():
    limit = get_settings().max_query_cost

    assert cost(CUSTOMER_LIST, {"cycle": "2026-10"}) == 2 + 50 * (1 + 1 + (2 + 10 * 1))
    assert cost(CUSTOMER_LIST, {"cycle": "2026-10"}) <= HEADROOM * limit
    assert cost(CONSOLE_SCREEN, {"first": 50}) <= HEADROOM * limit


BLOCKS = [b for b in graphql_blocks() if b.operations]


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_every_readme_example_fits_with_headroom(block):
    limit = get_settings().max_query_cost
    for operation in block.operations:
        name = operation.name.value if operation.name else None
        assert cost(block.text, block.variables or None, name) <= HEADROOM * limit, block.id


def test_value_objects_are_fixed_size_parts_of_their_parent():
    found = value_types(SCHEMA)

    assert {"Money", "CustomerAccount", "PageInfo", "ConsumptionAmounts"} <= found
    for name in found:
        type_ = SCHEMA.type_map[name]
        assert isinstance(type_, GraphQLObjectType)
        assert "id" not in type_.fields and not type_.interfaces, name
        for field in type_.fields.values():
            assert not field.args, (name, field)
            assert not get_named_type(field.type).name.endswith("Connection"), (name, field)
    # a thing with an identity is never free
    assert not {"Customer", "Resource", "Order", "Invoice", "PartnerUser"} & found
