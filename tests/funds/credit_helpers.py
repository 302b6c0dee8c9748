"""Documents and helpers shared by the credit and arrears tests."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest

from app.models.partners.enums import Role
from app.services.funds import credit
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import platform, recharge

SET_LIMIT = """
mutation SetLimit($input: SetCustomerCreditLimitInput!) {
  setCustomerCreditLimit(input: $input) {
    customer {
      id
      account {
        balance { amount currency } creditLimit { amount } available { amount }
        creditUsed { amount } arrears { amount }
      }
    }
    userErrors { code field message }
  }
}
"""


CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) {
    account {
      balance { amount } creditLimit { amount } available { amount }
      creditUsed { amount } arrears { amount }
    }
  }
}
"""


ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) {
    customer { account { balance { amount } creditUsed { amount } arrears { amount } } }
    userErrors { code field }
  }
}
"""


_refs = count(1)


@pytest.fixture
async def world(session):
    """A partner with cash, its FINANCE token, and a RESELLER customer."""
    partner = await make_partner(session)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner)
    await recharge(session, partner, "10000.00")
    return partner, customer, await token_for(session, finance)


def limit_input(customer, limit="500.00", **extra):
    return {
        "input": {"customerId": global_id("Customer", customer.id), "creditLimit": limit, **extra}
    }


def errors_of(body, field="setCustomerCreditLimit"):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


def figures(raw) -> dict[str, str]:
    return {key: value["amount"] for key, value in raw.items()}


async def position(client, token, customer) -> dict[str, str]:
    body = await gql(client, CUSTOMER, {"id": global_id("Customer", customer.id)}, token=token)
    return figures(body["data"]["customer"]["account"])


def expect(balance, limit, available, used, arrears) -> dict[str, str]:
    return {
        "balance": balance,
        "creditLimit": limit,
        "available": available,
        "creditUsed": used,
        "arrears": arrears,
    }


async def set_limit(client, token, customer, limit) -> None:
    body = await gql(client, SET_LIMIT, limit_input(customer, limit), token=token)
    assert body["data"]["setCustomerCreditLimit"]["userErrors"] == []


async def allocate(client, token, customer, amount) -> None:
    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": amount,
                "idempotencyKey": f"alloc-{next(_refs)}",
            }
        },
        token=token,
    )
    assert body["data"]["adjustCustomerFunds"]["userErrors"] == []


async def charge(session, customer, amount) -> None:
    await credit.charge(
        platform(session), customer, Decimal(amount), reference=f"Charge:{next(_refs)}"
    )
