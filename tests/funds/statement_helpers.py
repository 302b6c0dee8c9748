"""Documents and helpers shared by the statement tests."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)

STATEMENT = """
query Statement(
  $filter: StatementFilter, $first: Int, $after: String, $last: Int, $before: String
) {
  statement(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        occurredAt kind amount { amount currency } balanceAfter { amount }
        transactionId reference
      }
    }
  }
}
"""


ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) { userErrors { code } }
}
"""


REQUEST = """
mutation Request($input: RequestWithdrawalInput!) {
  requestWithdrawal(input: $input) { withdrawal { id } userErrors { code } }
}
"""


APPROVE = """
mutation Approve($input: ApproveWithdrawalInput!) {
  approveWithdrawal(input: $input) { userErrors { code } }
}
"""


REJECT = """
mutation Reject($input: RejectWithdrawalInput!) {
  rejectWithdrawal(input: $input) { userErrors { code } }
}
"""


MARK_PAID = """
mutation Paid($input: MarkWithdrawalPaidInput!) {
  markWithdrawalPaid(input: $input) { userErrors { code } }
}
"""


HOLDER = "Statement Test Co., Ltd."


@pytest.fixture
async def world(session):
    """A partner (OTHER entity), a FINANCE token, a RESELLER customer and a platform token."""
    partner = await make_partner(session, certified_company_name=HOLDER)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner)
    return partner, customer, await token_for(session, finance), await platform_token(session)


class Moves:
    """Money movements through the API, each with its own idempotency key."""

    def __init__(self, client, token, platform) -> None:
        self.client, self.token, self.platform = client, token, platform
        self.n = 0

    def key(self) -> str:
        self.n += 1
        return f"k-{self.n}"

    async def adjust(self, customer, kind: str, amount: str) -> None:
        body = await gql(
            self.client,
            ADJUST,
            {
                "input": {
                    "customerId": global_id("Customer", customer.id),
                    "kind": kind,
                    "amount": amount,
                    "idempotencyKey": self.key(),
                }
            },
            token=self.token,
        )
        assert body["data"]["adjustCustomerFunds"]["userErrors"] == []

    async def withdraw(self, amount: str, route="BANK_CARD") -> str:
        extra = (
            {"bankCard": {"holder": HOLDER, "bankName": "ICBC", "cardNumber": "622202123456"}}
            if route == "BANK_CARD"
            else {}
        )
        body = await gql(
            self.client,
            REQUEST,
            {
                "input": {
                    "route": route,
                    "amount": amount,
                    "idempotencyKey": self.key(),
                    **extra,
                }
            },
            token=self.token,
        )
        payload = body["data"]["requestWithdrawal"]
        assert payload["userErrors"] == []
        return payload["withdrawal"]["id"]

    async def reject(self, withdrawal_id: str) -> None:
        variables = {
            "input": {"withdrawalId": withdrawal_id, "reason": "no", "idempotencyKey": self.key()}
        }
        body = await gql(self.client, REJECT, variables, token=self.platform)
        assert body["data"]["rejectWithdrawal"]["userErrors"] == []

    async def pay_out(self, withdrawal_id: str) -> None:
        body = await gql(
            self.client, APPROVE, {"input": {"withdrawalId": withdrawal_id}}, token=self.platform
        )
        assert body["data"]["approveWithdrawal"]["userErrors"] == []
        variables = {"input": {"withdrawalId": withdrawal_id, "idempotencyKey": self.key()}}
        body = await gql(self.client, MARK_PAID, variables, token=self.platform)
        assert body["data"]["markWithdrawalPaid"]["userErrors"] == []


async def statement(client, token, **variables) -> dict:
    body = await gql(client, STATEMENT, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["statement"]


def lines(page) -> list[tuple[str, str, str]]:
    """(kind, amount, balanceAfter) of each line."""
    return [
        (e["node"]["kind"], e["node"]["amount"]["amount"], e["node"]["balanceAfter"]["amount"])
        for e in page["edges"]
    ]
