"""Two tenants for the isolation tests, and the documents they share.

Two partners, each with users, current and former customers and resources. Every root field is
read with one partner's ADMIN token (the widest partner view), in both directions; another
partner's ids must behave exactly like ids that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.models import Customer, Partner, PartnerUser, Resource
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import (
    global_id,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

CUSTOMERS = """
query Customers($filter: CustomerFilter) {
  customers(filter: $filter, first: 100) {
    totalCount
    nodes { id }
  }
}
"""


RESOURCES = """
query Resources($filter: ResourceFilter) {
  resources(filter: $filter, first: 100) {
    totalCount
    nodes { id }
  }
}
"""


RESOURCE = """
query Resource($id: ID!) {
  resource(id: $id) { id name }
}
"""


@dataclass
class Tenant:
    partner: Partner
    admin: PartnerUser
    sales: PartnerUser
    viewer: PartnerUser
    managed: Customer
    unmanaged: Customer
    former: Customer
    resources: list[Resource]
    token: str

    @property
    def user_ids(self) -> set[str]:
        return {global_id("PartnerUser", u.id) for u in (self.admin, self.sales, self.viewer)}

    @property
    def current_customer_ids(self) -> set[str]:
        return {global_id("Customer", c.id) for c in (self.managed, self.unmanaged)}

    @property
    def resource_ids(self) -> set[str]:
        return {global_id("Resource", r.id) for r in self.resources}

    def all_global_ids(self) -> list[str]:
        return [
            global_id("Partner", self.partner.id),
            *sorted(self.user_ids),
            *(global_id("Customer", c.id) for c in (self.managed, self.unmanaged, self.former)),
            *sorted(self.resource_ids),
        ]


async def make_tenant(session, label: str) -> Tenant:
    partner = await make_partner(session, name=f"Partner {label}")
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    viewer = await make_user(session, partner, Role.VIEWER)
    managed = await make_customer(session, partner, name=f"{label} Managed Co.", manager=sales)
    unmanaged = await make_customer(session, partner, name=f"{label} Unmanaged Co.")
    former = await make_customer(
        session,
        partner,
        name=f"{label} Former Co.",
        associated_at=NOW - timedelta(days=400),
        ended_at=NOW - timedelta(days=10),
    )
    resources = [
        await make_resource(session, managed),
        await make_resource(session, managed),
        await make_resource(session, unmanaged),
    ]
    return Tenant(
        partner=partner,
        admin=admin,
        sales=sales,
        viewer=viewer,
        managed=managed,
        unmanaged=unmanaged,
        former=former,
        resources=resources,
        token=await token_for(session, admin),
    )


@pytest.fixture(params=["A->B", "B->A"])
async def tenants(request, session) -> tuple[Tenant, Tenant]:
    """(mine, theirs): the caller's tenant and the other one, in both directions."""
    a = await make_tenant(session, "A")
    b = await make_tenant(session, "B")
    return (a, b) if request.param == "A->B" else (b, a)


def ids_of(connection: dict) -> set[str]:
    return {node["id"] for node in connection["nodes"]}
