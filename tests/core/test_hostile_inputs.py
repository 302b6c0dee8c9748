"""Hostile input, generated from the schema: refused by the scalar/input layer, never a 500.

Every String/ID input of every root field gets a NUL and a lone surrogate (as a variable and,
for NUL, as a literal), every `Amount` input every malformed shape; each is a top-level
BAD_USER_INPUT naming where it was, changes nothing, and the server answers a normal query
right after. The schema walk is in `schema_inputs.py`.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, IdempotencyKey
from app.models.partners.enums import Role
from app.services.core.money import check_amount
from tests.core.input_helpers import assert_malformed_input
from tests.core.schema_inputs import InputLeaf, input_leaves
from tests.factories import make_customer, make_partner, make_user, token_for

TEXT_LEAVES = input_leaves({"String", "ID"})
MONEY_LEAVES = input_leaves({"Amount"})
GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}
NUL, SURROGATE = "a\x00b", "a\ud800b"
MALFORMED_AMOUNTS = [
    "1e30",
    "1E+26",
    "1e-2",
    "1" * 40,
    "\uff11\uff10\uff10",  # full-width 100
    "1_000",
    "1,000",
    " 100",
    "100 ",
    "+100",
    "1.001",
    "1.",
    ".5",
    "0x10",
    "NaN",
    "Infinity",
    "",
    1.5,
    True,
    ["1"],
    {"amount": "1"},
]


@pytest.fixture
async def admin(session):
    partner = await make_partner(session)
    await make_customer(session, partner)
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


async def _counts(session) -> tuple[int, int]:
    audit = await session.scalar(select(func.count()).select_from(AuditEvent))
    keys = await session.scalar(select(func.count()).select_from(IdempotencyKey))
    return int(audit or 0), int(keys or 0)


async def _post(client, token, query, variables=None):
    # json.dumps escapes a lone surrogate as \ud800, as a JavaScript client's JSON would
    return await client.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables or {}}),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            **GRAPHQL_RESPONSE,
        },
    )


async def _normal_query_works(client, token):
    response = await _post(client, token, "{ customers(first: 1) { totalCount } }")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["customers"]["totalCount"] == 1


def test_the_walk_finds_the_inputs():
    # the generated cases cover what issue 12 found by hand (24 text fields and filters, seven
    # money mutations), and more as the schema grows
    assert len(TEXT_LEAVES) >= 24
    assert {leaf.field for leaf in MONEY_LEAVES} >= {
        "adjustCustomerFunds",
        "setCustomerCreditLimit",
        "createRecharge",
        "confirmRechargePayment",
        "recordBankTransfer",
        "requestWithdrawal",
        "submitRegistration",
    }


@pytest.mark.parametrize("leaf", TEXT_LEAVES, ids=[leaf.id for leaf in TEXT_LEAVES])
async def test_unstorable_text_in_any_string_input_is_bad_user_input(
    client, session, admin, leaf: InputLeaf
):
    # given
    before = await _counts(session)
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in leaf.path)

    for bad, what in ((NUL, "NUL"), (SURROGATE, "lone surrogate")):
        # when: as a variable
        response = await _post(client, admin, leaf.document(), {"value": leaf.value(bad)})

        # then
        assert response.status_code == 400, response.text
        body = response.json()
        assert_malformed_input(body, "$value", what)
        assert where in body["errors"][0]["message"]

    # when: NUL as a literal (a lone surrogate cannot even be written in a document)
    response = await _post(client, admin, leaf.literal_document(leaf.value(NUL)))

    # then
    assert response.status_code == 400, response.text
    assert_malformed_input(response.json(), f"Argument '{leaf.argument}'", "NUL", where or "")
    assert await _counts(session) == before
    await _normal_query_works(client, admin)


@pytest.mark.parametrize("leaf", MONEY_LEAVES, ids=[leaf.id for leaf in MONEY_LEAVES])
async def test_every_malformed_amount_is_bad_user_input_naming_its_path(
    client, session, admin, leaf: InputLeaf
):
    before = await _counts(session)
    where = "".join(f".{p}" for p in leaf.path)
    for bad in MALFORMED_AMOUNTS:
        response = await _post(client, admin, leaf.document(), {"value": leaf.value(bad)})

        assert response.status_code == 400, (bad, response.text)
        assert_malformed_input(response.json(), "$value", where, "Amount")
    assert await _counts(session) == before
    await _normal_query_works(client, admin)


@pytest.mark.parametrize("leaf", MONEY_LEAVES, ids=[leaf.id for leaf in MONEY_LEAVES])
async def test_a_malformed_amount_literal_names_the_argument_path(client, admin, leaf):
    response = await _post(client, admin, leaf.literal_document(leaf.value("1e30")))

    assert response.status_code == 400, response.text
    where = "".join(f".{p}" for p in leaf.path)
    assert_malformed_input(response.json(), f"Argument '{leaf.argument}'", where, "1e30")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("1e30", "AMOUNT_LIMITED"),
        ("1E+26", "AMOUNT_LIMITED"),
        ("1" * 40, "AMOUNT_LIMITED"),
        ("1e999999", "AMOUNT_LIMITED"),
        ("0.001", "INVALID_INPUT"),
        ("1E-999999", "INVALID_INPUT"),
        ("-1", "INVALID_INPUT"),
        ("0", "INVALID_INPUT"),
    ],
)
def test_check_amount_is_total_for_service_callers(amount, code):
    # the CLI and jobs call services without the scalar: any Decimal is a userError
    assert [e.code.value for e in check_amount(Decimal(amount))][:1] == [code]


def test_check_amount_accepts_what_the_scalar_accepts():
    assert check_amount(Decimal("10000000.00")) == []
    assert check_amount(Decimal("0.01")) == []
