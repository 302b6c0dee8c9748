"""The world of the role tests and the documents they share.

One partner with a user of every role, customers managed by two SALES users, one by the ADMIN,
one without a manager and one former customer; a second partner for the platform's view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.models import Customer, Partner, PartnerUser, Resource
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import global_id, make_customer, make_partner, make_resource, make_user

CUSTOMERS = """
query Customers($filter: CustomerFilter) {
  customers(filter: $filter, first: 100) {
    totalCount
    nodes { id }
  }
}
"""


CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) { id }
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


NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id }
}
"""


@dataclass
class Shop:
    partner: Partner
    users: dict[Role, PartnerUser]
    sales_2: PartnerUser
    by_sales: Customer  # managed by users[SALES]
    by_sales_2: Customer
    by_admin: Customer
    unmanaged: Customer
    former: Customer
    res_by_sales: Resource
    res_by_sales_2: Resource
    res_unmanaged: Resource

    @property
    def current_customer_ids(self) -> set[str]:
        return cids(self.by_sales, self.by_sales_2, self.by_admin, self.unmanaged)

    @property
    def resource_ids(self) -> set[str]:
        return rids(self.res_by_sales, self.res_by_sales_2, self.res_unmanaged)


def cids(*customers: Customer) -> set[str]:
    return {global_id("Customer", c.id) for c in customers}


def rids(*resources: Resource) -> set[str]:
    return {global_id("Resource", r.id) for r in resources}


def ids_of(connection: dict) -> set[str]:
    return {node["id"] for node in connection["nodes"]}


async def make_shop(session, *, sales_see_all_customers: bool = False) -> Shop:
    partner = await make_partner(session, sales_see_all_customers=sales_see_all_customers)
    users = {role: await make_user(session, partner, role) for role in Role}
    sales_2 = await make_user(session, partner, Role.SALES)
    by_sales = await make_customer(session, partner, manager=users[Role.SALES])
    by_sales_2 = await make_customer(session, partner, manager=sales_2)
    by_admin = await make_customer(session, partner, manager=users[Role.ADMIN])
    unmanaged = await make_customer(session, partner)
    former = await make_customer(
        session,
        partner,
        associated_at=NOW - timedelta(days=400),
        ended_at=NOW - timedelta(days=10),
    )
    return Shop(
        partner=partner,
        users=users,
        sales_2=sales_2,
        by_sales=by_sales,
        by_sales_2=by_sales_2,
        by_admin=by_admin,
        unmanaged=unmanaged,
        former=former,
        res_by_sales=await make_resource(session, by_sales),
        res_by_sales_2=await make_resource(session, by_sales_2),
        res_unmanaged=await make_resource(session, unmanaged),
    )


@pytest.fixture
async def shop(session) -> Shop:
    return await make_shop(session)
