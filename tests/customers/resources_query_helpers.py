"""Documents and helpers shared by the resources query tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app import clock
from app.models import Partner, Resource
from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_user, token_for

RESOURCES = """
query Resources($filter: ResourceFilter, $orderBy: ResourceOrder, $first: Int) {
  resources(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    nodes { id name serviceType status billingMode region createdAt expiresAt }
  }
}
"""


CUSTOMER_RESOURCES = """
query CustomerResources(
  $id: ID!
  $filter: ResourceFilter
  $orderBy: ResourceOrder
  $first: Int
  $after: String
  $last: Int
  $before: String
) {
  customer(id: $id) {
    resources(
      filter: $filter
      orderBy: $orderBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      edges { cursor node { id name } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


async def admin_token(session: Any, partner: Partner) -> str:
    admin = await make_user(session, partner, Role.ADMIN)
    return await token_for(session, admin)


async def list_resources(
    client: Any,
    token: str,
    filter: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(
        client, RESOURCES, {"filter": filter, "orderBy": order_by, "first": 100}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["resources"]


def rids(resources: list[Resource]) -> list[str]:
    return [global_id("Resource", r.id) for r in resources]


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


def edge_ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def hours_ago(n: float) -> Any:
    return clock.now() - timedelta(hours=n)


def days_ahead(n: float) -> Any:
    return clock.now() + timedelta(days=n)
