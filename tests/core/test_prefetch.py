"""The look-ahead (app/schema/core/prefetch.py) answers exactly what the resolvers answer.

Every query runs on the demo data twice, with the look-ahead and without it (each nested
field's resolver then loads it), as several principals; data and errors (messages, paths,
codes) must be identical, the look-ahead must send no more statements, and the customer
fields it batches must not reach their per-customer resolvers at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.demo.seed import seed
from app.models import Customer, PartnerUser
from app.models.partners.enums import Role
from app.resolvers.customers import resources as resource_resolvers
from app.resolvers.funds import accounts as funds_resolvers
from app.schema import build_schema, schema
from app.schema.core import prefetch
from app.schema.core.execution import PlainObjectExecutor
from app.settings import Settings
from tests.factories import customer_token, gql, token_for

A = """
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

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "the console's customer list": (A, {}),
    "the list with a cycle given": (A, {"cycle": "2026-05"}),
    "aliases with other arguments, edges and nodes": (
        """
        query {
          customers(first: 20) {
            edges { cursor node { id ...Money r1: resources(first: 1) { nodes { id } } } }
            nodes {
              id ...Money
              r3: resources(first: 3, orderBy: {field: EXPIRES_AT, direction: ASC}) {
                pageInfo { hasNextPage endCursor } nodes { id expiresAt }
              }
              may: consumption(cycle: "2026-05") { cycle lines amounts { amountDue { amount } } }
              june: consumption { cycle cycleStatus amounts { amountDue { amount } } }
            }
          }
        }
        fragment Money on Customer {
          account { balance { amount currency } creditLimit { amount } }
        }
        """,
        {},
    ),
    "skip and include": (
        """
        query ($on: Boolean!) {
          customers(first: 10) {
            nodes {
              id account @include(if: $on) { balance { amount } }
              accountManager @skip(if: $on) { name }
              ... on Customer @include(if: $on) { resources(first: 2) { nodes { id } } }
            }
          }
        }
        """,
        {"on": True},
    ),
    "a sibling field the plan does not take": (
        """
        { customers(first: 10) { nodes { id labels remark account { arrears { amount } }
                                         accountManager { name } } } }
        """,
        {},
    ),
    "a nested page over its limit": (
        "{ customers(first: 5) { nodes { id resources(first: 1000) { nodes { id } } } } }",
        {},
    ),
    "a cycle that is no cycle": (
        '{ customers(first: 5) { nodes { id consumption(cycle: "2026-13") { cycle } } } }',
        {},
    ),
    "a nested total count": (
        "{ customers(first: 5) { nodes { id resources(first: 2) { totalCount nodes { id } } } } }",
        {},
    ),
}


@pytest.fixture
async def tokens(db, session) -> Any:
    """A fresh token of a demo principal for each call (each query gets a full cost budget:
    the console's list costs 702 of the bucket's 1,000 points)."""
    await seed(db)
    customer = (await session.scalars(select(Customer).order_by(Customer.id))).first()
    users = {
        role.value: (
            await session.scalars(
                select(PartnerUser)
                .where(PartnerUser.partner_id == customer.partner_id, PartnerUser.role == role)
                .order_by(PartnerUser.id)
            )
        ).first()
        for role in (Role.ADMIN, Role.SALES, Role.VIEWER)
    }

    async def token(principal: str) -> str | None:
        if principal == "CUSTOMER":
            made = await customer_token(session, customer)
        elif users.get(principal) is None:
            return None
        else:
            made = await token_for(session, users[principal])
        await session.commit()
        return made

    return token


def _shape(body: dict[str, Any]) -> Any:
    errors = sorted(
        (
            (e["message"], e.get("path"), e.get("extensions", {}).get("code"))
            for e in body.get("errors", [])
        ),
        key=str,
    )
    return body.get("data"), errors


async def _both(client, statements, monkeypatch, query, variables, token) -> tuple[Any, Any]:
    answers = []
    for on in (False, True):
        monkeypatch.setattr(schema, "lookahead_prefetch", on)
        fresh = await token()
        statements.reset()
        statements.active = True
        body = await gql(client, query, variables, token=fresh)
        statements.active = False
        answers.append((_shape(body), statements.count))
    (general, general_count), (ahead, ahead_count) = answers
    assert ahead == general
    assert ahead_count <= general_count, statements.statements
    return ahead, general_count


async def test_the_look_ahead_answers_what_the_resolvers_answer(
    client, statements, monkeypatch, tokens
):
    """One seeded demo (it takes a while) for every query under every principal."""
    if schema.execution_context_class is not PlainObjectExecutor:
        pytest.skip("the look-ahead feeds the plans: off with PLAIN_OBJECT_EXECUTOR=false")
    compared = 0
    for principal in ("ADMIN", "SALES", "VIEWER", "CUSTOMER"):
        if await tokens(principal) is None:
            continue
        for name, (query, variables) in QUERIES.items():
            (data, errors), _ = await _both(
                client, statements, monkeypatch, query, variables, lambda p=principal: tokens(p)
            )
            assert data is not None or errors, (principal, name)
            if name in ("a nested page over its limit", "a cycle that is no cycle"):
                assert errors, (principal, name)  # the resolvers raised it, where it belongs
            compared += 1
    assert compared >= 3 * len(QUERIES)

    # what was compared is worth comparing: managers, resources and amounts due
    admin = lambda: tokens("ADMIN")  # noqa: E731
    (data, errors), _ = await _both(client, statements, monkeypatch, A, {}, admin)
    assert errors == []
    nodes = data["customers"]["nodes"]
    assert len(nodes) >= 5
    assert any(node["accountManager"] for node in nodes)
    assert any(node["resources"]["nodes"] for node in nodes)
    assert any(node["consumption"]["amounts"]["amountDue"]["amount"] != "0.00" for node in nodes)

    # and the look-ahead did the loading: no customer reached its own resolver
    calls: list[str] = []

    def counted(name: str, function: Any) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return await function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        funds_resolvers,
        "customer_position",
        counted("account", funds_resolvers.customer_position),
    )
    monkeypatch.setattr(
        resource_resolvers,
        "customer_resources",
        counted("resources", resource_resolvers.customer_resources),
    )
    monkeypatch.setattr(schema, "lookahead_prefetch", True)
    body = await gql(client, A, {}, token=await tokens("ADMIN"))
    assert "errors" not in body
    assert calls == []

    monkeypatch.setattr(schema, "lookahead_prefetch", False)
    body = await gql(client, A, {}, token=await tokens("ADMIN"))
    count = len(body["data"]["customers"]["nodes"])
    assert sorted(calls) == ["account"] * count + ["resources"] * count


def test_customer_fields_have_batches() -> None:
    assert {field for type_name, field in prefetch.BATCHES if type_name == "Customer"} == {
        "account",
        "account_manager",
        "resources",
        "consumption",
    }


def test_the_setting_switches_the_look_ahead_off() -> None:
    assert Settings.model_fields["lookahead_prefetch"].default is True
    on = Settings(lookahead_prefetch=True, plain_object_executor=True)
    assert build_schema(on).lookahead_prefetch is True
    off = Settings(lookahead_prefetch=False, plain_object_executor=True)
    assert build_schema(off).lookahead_prefetch is False
    # without the plans nothing would read what it loads
    off = Settings(lookahead_prefetch=True, plain_object_executor=False)
    assert build_schema(off).lookahead_prefetch is False
