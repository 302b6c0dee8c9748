"""Documents and helpers shared by the `customers` query tests."""

from __future__ import annotations

from typing import Any

from app.models import Customer, Partner
from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_user, token_for

CUSTOMERS = """
query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int) {
  customers(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    nodes { id name accountName associationType status associatedAt endedAt }
  }
}
"""


async def admin_token(session: Any, partner: Partner) -> str:
    admin = await make_user(session, partner, Role.ADMIN)
    return await token_for(session, admin)


async def list_customers(
    client: Any,
    token: str,
    filter: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(
        client, CUSTOMERS, {"filter": filter, "orderBy": order_by, "first": 100}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["customers"]


def names(connection: dict[str, Any]) -> list[str]:
    return [node["name"] for node in connection["nodes"]]


def ids(customers: list[Customer]) -> list[str]:
    return [global_id("Customer", c.id) for c in customers]


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


def _iso(value: Any) -> str:
    return value.isoformat()
