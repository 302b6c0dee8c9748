"""Documents and helpers shared by the association-change tests."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import (
    global_id,
    gql,
)

SWITCH = """
mutation Switch($input: RequestAssociationTypeSwitchInput!) {
  requestAssociationTypeSwitch(input: $input) {
    request { id kind status fromType toType }
    userErrors { code field message }
  }
}
"""


def cid(customer) -> str:
    return global_id("Customer", customer.id)


async def switch(client, token, customer, to="REFERRAL"):
    body = await gql(
        client,
        SWITCH,
        {"input": {"customerId": cid(customer), "associationType": to}},
        token=token,
    )
    return body["data"]["requestAssociationTypeSwitch"] if body.get("data") else body


def codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


# The 3-month rules, across the boundary. 31 Mar 12:00 Shanghai + 3 calendar months is 30 Jun
# 12:00 Shanghai (clamped), not 29 Jun (90 days).
STARTED = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)


BOUNDARY = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


DECLINE = """
mutation Decline($id: ID!, $reason: String) {
  declineAssociationChange(input: {id: $id, reason: $reason}) {
    request { id status declineReason }
    userErrors { code field message }
  }
}
"""


def rid(request) -> str:
    return global_id("AssociationChangeRequest", request.id)
