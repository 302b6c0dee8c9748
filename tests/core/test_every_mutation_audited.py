"""Every mutation is audited (issue 12, class 9): walk `type Mutation` of the schema, make one
successful call of each and check it wrote an audit event in its transaction.

The per-mutation setups live in `mutation_cases*`; a mutation without an entry fails here, so
a new domain cannot forget its audit event.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent
from app.schema import schema
from tests.core import (  # noqa: F401 (register)
    mutation_cases_coupons,
    mutation_cases_funds,
    mutation_cases_invoices,
    mutation_cases_orders,
    mutation_cases_partners,
    mutation_cases_pickup_vouchers,
)
from tests.core.mutation_cases import CASES
from tests.factories import gql

MUTATION = schema._schema.mutation_type
NAMES = sorted(MUTATION.fields)


def document(name: str) -> str:
    """The mutation with only `userErrors` selected (every payload has them)."""
    input_type = MUTATION.fields[name].args["input"].type
    return (
        f"mutation Audited($input: {input_type}) "
        f"{{ {name}(input: $input) {{ userErrors {{ code field message }} }} }}"
    )


def test_every_mutation_has_a_case():
    missing = sorted(set(NAMES) - set(CASES))
    stale = sorted(set(CASES) - set(NAMES))
    assert missing == [], f"add a successful call of {missing} to tests/core/mutation_cases*"
    assert stale == [], f"{stale} are no longer mutations of the schema"


def test_every_mutation_takes_one_input():
    for name in NAMES:
        assert list(MUTATION.fields[name].args) == ["input"], name


async def audit_events(session) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("name", NAMES)
async def test_a_successful_call_is_audited(client, session, name):
    # given what the mutation needs
    assert name in CASES, f"no successful call of {name} in tests/core/mutation_cases*"
    token, variables = await CASES[name](session, client)
    before = await audit_events(session)

    # when it succeeds
    body = await gql(client, document(name), {"input": variables}, token=token)

    # then it wrote an audit event
    assert "errors" not in body, body
    assert body["data"][name]["userErrors"] == [], body
    assert await audit_events(session) > before, f"{name} succeeded without an audit event"
