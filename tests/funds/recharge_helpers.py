"""Documents and helpers shared by the recharge tests."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.partners.enums import Role
from tests.factories import (
    gql,
    make_partner,
    make_user,
    platform_token,
    token_for,
)

CREATE = """
mutation Create($input: CreateRechargeInput!) {
  createRecharge(input: $input) {
    recharge {
      id channel status amount { amount currency } paymentReference paidAt
      remaining { amount } customer { id }
    }
    userErrors { code field message }
  }
}
"""


CONFIRM = """
mutation Confirm($input: ConfirmRechargePaymentInput!) {
  confirmRechargePayment(input: $input) {
    recharge {
      id channel status amount { amount } paymentReference paidAt remaining { amount }
      customer { id }
    }
    userErrors { code field message }
  }
}
"""


BANK_TRANSFER = """
mutation Transfer($input: RecordBankTransferInput!) {
  recordBankTransfer(input: $input) {
    recharge { id channel status amount { amount } paymentReference paidAt remaining { amount } }
    userErrors { code field message }
  }
}
"""


RECHARGES = """
query Recharges($filter: RechargeFilter) {
  recharges(filter: $filter, first: 100) {
    totalCount
    nodes { id channel status amount { amount } customer { id } }
  }
}
"""


ACCOUNT = """
query { viewer { partner { account { balance { amount } allocatable { amount } } } } }
"""


NODE = """
query Node($id: ID!) { node(id: $id) { id ... on Recharge { status } } }
"""


@pytest.fixture
async def world(session):
    partner = await make_partner(session)
    finance = await make_user(session, partner, Role.FINANCE)
    return partner, await token_for(session, finance), await platform_token(session)


def create_input(channel="ALIPAY", amount="100.00", key="c-1", **extra):
    return {"input": {"channel": channel, "amount": amount, "idempotencyKey": key, **extra}}


def confirm_input(recharge_id, reference="pay-1", amount="100.00", key="p-1", **extra):
    return {
        "input": {
            "rechargeId": recharge_id,
            "paymentReference": reference,
            "amount": amount,
            "idempotencyKey": key,
            **extra,
        }
    }


def transfer_input(partner, reference="bank-1", amount="500.00", key="t-1", **extra):
    return {
        "input": {
            "remittanceAccount": partner.remittance_account_number,
            "paymentReference": reference,
            "amount": amount,
            "idempotencyKey": key,
            **extra,
        }
    }


def errors_of(body, field):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


async def allocatable(client, token) -> str:
    body = await gql(client, ACCOUNT, token=token)
    return body["data"]["viewer"]["partner"]["account"]["allocatable"]["amount"]


async def count(session, model, *conditions) -> int:
    return await session.scalar(select(func.count()).select_from(model).where(*conditions))


async def order(client, token, **kwargs) -> dict:
    body = await gql(client, CREATE, create_input(**kwargs), token=token)
    payload = body["data"]["createRecharge"]
    assert payload["userErrors"] == []
    return payload["recharge"]
