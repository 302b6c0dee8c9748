"""The world of rows and the documents shared by the pagination tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from app import clock
from app.models import Customer, Resource
from app.models.customers.enums import BillingMode
from app.models.partners.enums import Role
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

PAGE = """
  totalCount
  edges { cursor node { id } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
"""


ARGS = "first: $first, after: $after, last: $last, before: $before"


VARS = "$first: Int, $after: String, $last: Int, $before: String"


CUSTOMERS = f"""
query Customers({VARS}, $orderBy: CustomerOrder) {{
  customers({ARGS}, orderBy: $orderBy) {{ {PAGE} }}
}}
"""


RESOURCES = f"""
query Resources({VARS}, $orderBy: ResourceOrder) {{
  resources({ARGS}, orderBy: $orderBy) {{ {PAGE} }}
}}
"""


CUSTOMER_RESOURCES = f"""
query CustomerResources($id: ID!, {VARS}, $orderBy: ResourceOrder) {{
  customer(id: $id) {{
    resources({ARGS}, orderBy: $orderBy) {{ {PAGE} }}
  }}
}}
"""


DOCUMENTS = {
    "customers": CUSTOMERS,
    "resources": RESOURCES,
    "customer_resources": CUSTOMER_RESOURCES,
}


@dataclass
class World:
    """One partner's data with ties on every sort key, plus rows that must never show."""

    token: str
    customers: list[Customer]
    resources: list[Resource]
    busy_customer: Customer

    def variables(self, kind: str) -> dict[str, Any]:
        if kind == "customer_resources":
            return {"id": global_id("Customer", self.busy_customer.id)}
        return {}

    def expected(self, kind: str, order_by: dict[str, Any] | None) -> list[str]:
        """Global ids in the order the API must return them."""
        if kind == "customers":
            rows: list[Any] = self.customers
            type_name = "Customer"
            default = "ASSOCIATED_AT"
        else:
            rows = self.resources
            if kind == "customer_resources":
                rows = [r for r in rows if r.customer_id == self.busy_customer.id]
            type_name = "Resource"
            default = "CREATED_AT"
        field = order_by["field"] if order_by else default
        direction = (order_by or {}).get("direction", "ASC" if order_by else "DESC")
        attribute = {
            "NAME": "name",
            "ASSOCIATED_AT": "associated_at",
            "CREATED_AT": "created_at",
            "EXPIRES_AT": "expires_at",
        }[field]

        def key(row: Any) -> tuple[Any, ...]:
            value = getattr(row, attribute)
            return (value is None, value, row.id)  # nulls last ascending, ties by id

        ascending = [global_id(type_name, r.id) for r in sorted(rows, key=key)]
        return ascending if direction == "ASC" else ascending[::-1]


def _now() -> datetime:
    return clock.now()


@pytest.fixture
async def world(session: Any) -> World:
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)
    now = _now()

    # Names are lowercase ASCII letters with a common prefix: the same order under any collation.
    customer_specs = [
        ("pga", 3),
        ("pgb", 1),
        ("pga", 3),
        ("pgc", 2),
        ("pgab", 5),
        ("pgb", 1),
        ("pgd", 4),
        ("pga", 3),
        ("pgc", 2),
        ("pge", 6),
        ("pgab", 5),
    ]
    customers = [
        await make_customer(session, partner, name=name, associated_at=now - timedelta(days=d))
        for name, d in customer_specs
    ]
    # a former customer and another partner's customer never show up
    await make_customer(
        session,
        partner,
        name="pga",
        associated_at=now - timedelta(days=3),
        ended_at=now - timedelta(days=1),
    )
    other = await make_partner(session)
    stranger = await make_customer(
        session, other, name="pga", associated_at=now - timedelta(days=3)
    )

    busy, quiet = customers[0], customers[1]
    # (owner, name, created hours ago, expires in days or None)
    resource_specs = [
        (busy, "rsb", 5, 10),
        (busy, "rsa", 3, None),
        (quiet, "rsc", 5, 5),
        (busy, "rsa", 1, 10),
        (busy, "rsd", 2, None),
        (quiet, "rsab", 4, 20),
        (busy, "rsab", 5, 5),
        (busy, "rsc", 6, None),
        (quiet, "rsa", 1, 10),
        (busy, "rse", 3, 20),
        (busy, "rsb", 7, 10),
        (quiet, "rsd", 2, None),
    ]
    resources = [
        await make_resource(
            session,
            owner,
            name=name,
            created_at=now - timedelta(hours=h),
            expires_at=None if d is None else now + timedelta(days=d),
            billing_mode=BillingMode.ON_DEMAND if d is None else BillingMode.YEARLY_MONTHLY,
        )
        for owner, name, h, d in resource_specs
    ]
    await make_resource(session, stranger, name="rsa", created_at=now - timedelta(hours=1))
    return World(token=token, customers=customers, resources=resources, busy_customer=busy)


def connection_of(body: dict[str, Any], kind: str) -> dict[str, Any]:
    assert "errors" not in body, body
    if kind == "customer_resources":
        return body["data"]["customer"]["resources"]
    return body["data"][kind]


async def fetch(
    client: Any, world: World, kind: str, order_by: dict[str, Any] | None, **args: Any
) -> dict[str, Any]:
    variables = {**world.variables(kind), "orderBy": order_by, **args}
    return await gql(client, DOCUMENTS[kind], variables, token=world.token)
