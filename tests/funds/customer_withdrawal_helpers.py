"""Documents and fixtures shared by the customer withdrawal tests: a customer whose own cash
was frozen by a REFERRAL -> RESELLER switch, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import count

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Customer, CustomerAccount, LedgerEntry, Partner
from app.models.customers.enums import AssociationType
from app.models.partners.enums import Role
from app.services.core.context import ServiceContext
from app.services.core.customer_principal import customer_principal
from app.services.funds import association
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.helpers import platform, recharge

REQUEST = """
mutation Request($input: RequestCustomerWithdrawalInput!) {
  requestCustomerWithdrawal(input: $input) {
    customerWithdrawal {
      id status amount { amount currency } rejectReason createdAt reviewedAt paidAt
      bankCard { holder bankName cardNumber }
      customer { id account { balance { amount } frozenOwnCash { amount } ownCashHeld { amount } } }
    }
    userErrors { code field message }
  }
}
"""

APPROVE = """
mutation Approve($input: ApproveCustomerWithdrawalInput!) {
  approveCustomerWithdrawal(input: $input) {
    customerWithdrawal { id status reviewedAt paidAt }
    userErrors { code field message }
  }
}
"""

REJECT = """
mutation Reject($input: RejectCustomerWithdrawalInput!) {
  rejectCustomerWithdrawal(input: $input) {
    customerWithdrawal { id status rejectReason reviewedAt paidAt }
    userErrors { code field message }
  }
}
"""

MARK_PAID = """
mutation Paid($input: MarkCustomerWithdrawalPaidInput!) {
  markCustomerWithdrawalPaid(input: $input) {
    customerWithdrawal { id status reviewedAt paidAt }
    userErrors { code field message }
  }
}
"""

LIST = """
query List($filter: CustomerWithdrawalFilter) {
  customerWithdrawals(filter: $filter, first: 50) {
    totalCount
    nodes { id status amount { amount } customer { id } }
  }
}
"""

NODE = """
query Node($id: ID!) { node(id: $id) { id ... on CustomerWithdrawal { status } } }
"""

_keys = count(1)


@dataclass
class World:
    partner: Partner
    customer: Customer
    customer_token: str
    admin: str
    finance: str
    platform: str


async def frozen_customer(session, partner, own_cash="300.00", **fields) -> Customer:
    """A REFERRAL customer that recharged `own_cash` itself, then switched to RESELLER."""
    customer = await make_customer(
        session, partner, association_type=AssociationType.REFERRAL, **fields
    )
    await recharge(session, partner, own_cash, customer=customer)
    customer.association_type = AssociationType.RESELLER
    await association.money_after_switch(platform(session), customer, AssociationType.REFERRAL)
    return customer


async def as_customer(session, customer: Customer) -> ServiceContext:
    """A service context of the customer's cloud account (for calling services directly),
    with its associations read as its token's check reads them."""
    principal = await customer_principal(session, customer.cloud_account_id)
    return ServiceContext(session, principal, request_id="test")


@pytest.fixture
async def world(session) -> World:
    partner = await make_partner(session)
    customer = await frozen_customer(session, partner)
    return World(
        partner=partner,
        customer=customer,
        customer_token=await customer_token(session, customer),
        admin=await token_for(session, await make_user(session, partner, Role.ADMIN)),
        finance=await token_for(session, await make_user(session, partner, Role.FINANCE)),
        platform=await platform_token(session),
    )


def card(customer: Customer, holder: str | None = None, number: str = "6222 0212 3456 7890"):
    return {"holder": holder or customer.name, "bankName": "ICBC Hangzhou", "cardNumber": number}


def request_input(customer: Customer, amount: str = "100.00", key: str | None = None, **extra):
    return {
        "input": {
            "customerId": global_id("Customer", customer.id),
            "amount": amount,
            "bankCard": extra.pop("bankCard", None) or card(customer),
            "idempotencyKey": key or f"cw-{next(_keys)}",
            **extra,
        }
    }


def review_input(withdrawal_id: str, key: str | None = None, **extra):
    return {
        "input": {
            "customerWithdrawalId": withdrawal_id,
            "idempotencyKey": key or f"cr-{next(_keys)}",
            **extra,
        }
    }


def errors_of(body, field):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


async def requested(client, world: World, amount: str = "100.00") -> dict:
    body = await gql(
        client, REQUEST, request_input(world.customer, amount), token=world.customer_token
    )
    payload = body["data"]["requestCustomerWithdrawal"]
    assert payload["userErrors"] == []
    return payload["customerWithdrawal"]


async def approved(client, world: World, amount: str = "100.00") -> dict:
    withdrawal = await requested(client, world, amount)
    body = await gql(
        client, APPROVE, {"input": {"customerWithdrawalId": withdrawal["id"]}}, token=world.platform
    )
    assert body["data"]["approveCustomerWithdrawal"]["userErrors"] == []
    return withdrawal


async def cash(session, customer: Customer) -> tuple[Decimal, Decimal, Decimal]:
    """(balance, frozen own cash, held own cash) as stored."""
    account = await session.scalar(
        select(CustomerAccount)
        .where(CustomerAccount.customer_id == customer.id)
        .execution_options(populate_existing=True)
    )
    return account.balance, account.frozen_own_cash, account.own_cash_held


async def entries(session, kind) -> list[tuple[str, Decimal]]:
    rows = await session.execute(
        select(LedgerEntry.account, LedgerEntry.amount)
        .where(LedgerEntry.kind == kind)
        .order_by(LedgerEntry.id)
    )
    return [(account.value, amount) for account, amount in rows]


async def audits(session, action: str) -> int:
    return await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )
