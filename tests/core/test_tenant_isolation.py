"""Tenant isolation: with one partner's token, nothing of another partner is ever returned.

Two partners, each with users, current and former customers and resources. Every root field is
read with one partner's ADMIN token (the widest partner view), in both directions; another
partner's ids must behave exactly like ids that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Customer, Partner, PartnerUser, Resource
from app.models.partners.enums import Role
from tests.conftest import NOW
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

MISSING = 10**12

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
  customer(id: $id) { id name }
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

PARTNER_USERS = """
query PartnerUsers {
  partnerUsers(first: 100) {
    totalCount
    nodes { id }
  }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) { __typename id }
}
"""

NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id }
}
"""

VIEWER = """
query Viewer {
  viewer { kind partner { id } user { id } }
}
"""

CUSTOMER_TREE = """
query CustomerTree {
  # page sizes keep the query within the 1,000-point cost budget
  customers(first: 20) {
    nodes {
      id
      accountManager { id }
      resources(first: 10) {
        totalCount
        nodes { id customer { id } }
      }
    }
  }
}
"""

CUSTOMER_WITH_RESOURCES = """
query CustomerWithResources($id: ID!, $filter: ResourceFilter) {
  customer(id: $id) {
    id
    accountManager { id }
    resources(filter: $filter, first: 100) {
      totalCount
      nodes { id }
    }
  }
}
"""

RESOURCE_WITH_CUSTOMER = """
query ResourceWithCustomer($id: ID!) {
  resource(id: $id) {
    id
    customer { id }
  }
}
"""

UPDATE_CUSTOMER = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id labels remark }
    userErrors { code field message }
  }
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


# --- lists ------------------------------------------------------------------------------------


async def test_customers_lists_only_own(client, tenants):
    # given
    mine, _ = tenants

    # when
    body = await gql(client, CUSTOMERS, token=mine.token)

    # then
    assert "errors" not in body
    customers = body["data"]["customers"]
    assert ids_of(customers) == mine.current_customer_ids
    assert customers["totalCount"] == 2


async def test_resources_lists_only_own(client, tenants):
    # given
    mine, _ = tenants

    # when
    body = await gql(client, RESOURCES, token=mine.token)

    # then
    assert "errors" not in body
    resources = body["data"]["resources"]
    assert ids_of(resources) == mine.resource_ids
    assert resources["totalCount"] == 3


async def test_partner_users_lists_only_own(client, tenants):
    # given
    mine, _ = tenants

    # when
    body = await gql(client, PARTNER_USERS, token=mine.token)

    # then
    assert "errors" not in body
    users = body["data"]["partnerUsers"]
    assert ids_of(users) == mine.user_ids
    assert users["totalCount"] == 3


async def test_viewer_is_own(client, tenants):
    # given
    mine, _ = tenants

    # when
    body = await gql(client, VIEWER, token=mine.token)

    # then
    assert body["data"]["viewer"] == {
        "kind": "PARTNER_USER",
        "partner": {"id": global_id("Partner", mine.partner.id)},
        "user": {"id": global_id("PartnerUser", mine.admin.id)},
    }


# --- single objects by id ---------------------------------------------------------------------


@pytest.mark.parametrize("which", ["managed", "unmanaged", "former"])
async def test_foreign_customer_is_null_like_a_missing_one(client, tenants, which):
    # given
    mine, theirs = tenants
    foreign = getattr(theirs, which)

    # when
    found = await gql(client, CUSTOMER, {"id": global_id("Customer", foreign.id)}, token=mine.token)
    missing = await gql(client, CUSTOMER, {"id": global_id("Customer", MISSING)}, token=mine.token)

    # then
    assert found == missing == {"data": {"customer": None}}


async def test_own_customer_is_found(client, tenants):
    mine, _ = tenants

    body = await gql(
        client, CUSTOMER, {"id": global_id("Customer", mine.former.id)}, token=mine.token
    )

    assert body["data"]["customer"]["id"] == global_id("Customer", mine.former.id)


async def test_foreign_resource_is_null_like_a_missing_one(client, tenants):
    # given
    mine, theirs = tenants

    # when
    found = await gql(
        client, RESOURCE, {"id": global_id("Resource", theirs.resources[0].id)}, token=mine.token
    )
    missing = await gql(client, RESOURCE, {"id": global_id("Resource", MISSING)}, token=mine.token)

    # then
    assert found == missing == {"data": {"resource": None}}


@pytest.mark.parametrize("type_name", ["Partner", "PartnerUser", "Customer", "Resource"])
async def test_foreign_node_is_null_like_a_missing_one(client, tenants, type_name):
    # given
    mine, theirs = tenants
    foreign_id = {
        "Partner": theirs.partner.id,
        "PartnerUser": theirs.admin.id,
        "Customer": theirs.managed.id,
        "Resource": theirs.resources[0].id,
    }[type_name]

    # when
    found = await gql(client, NODE, {"id": global_id(type_name, foreign_id)}, token=mine.token)
    missing = await gql(client, NODE, {"id": global_id(type_name, MISSING)}, token=mine.token)

    # then
    assert found == missing == {"data": {"node": None}}


async def test_every_foreign_node_is_null(client, tenants):
    # given
    mine, theirs = tenants

    # when
    results = [
        await gql(client, NODE, {"id": gid}, token=mine.token) for gid in theirs.all_global_ids()
    ]

    # then
    assert all(body == {"data": {"node": None}} for body in results)


async def test_nodes_has_null_in_place_of_foreign_ids(client, tenants):
    # given
    mine, theirs = tenants
    pairs = [
        ("Customer", mine.managed.id, theirs.managed.id),
        ("Resource", mine.resources[0].id, theirs.resources[0].id),
        ("Partner", mine.partner.id, theirs.partner.id),
        ("PartnerUser", mine.sales.id, theirs.sales.id),
        ("Customer", mine.former.id, theirs.former.id),
    ]
    ids: list[str] = []
    expected: list[dict | None] = []
    for type_name, my_id, their_id in pairs:
        ids += [global_id(type_name, their_id), global_id(type_name, my_id)]
        expected += [None, {"__typename": type_name, "id": global_id(type_name, my_id)}]
    ids.append(global_id("Customer", MISSING))
    expected.append(None)

    # when
    body = await gql(client, NODES, {"ids": ids}, token=mine.token)

    # then
    assert "errors" not in body
    assert body["data"]["nodes"] == expected


async def test_nodes_of_only_foreign_ids_are_all_null(client, tenants):
    mine, theirs = tenants
    ids = theirs.all_global_ids()

    body = await gql(client, NODES, {"ids": ids}, token=mine.token)

    assert body == {"data": {"nodes": [None] * len(ids)}}


# --- nested fields ----------------------------------------------------------------------------


async def test_nested_lists_stay_inside_the_tenant(client, tenants):
    # given
    mine, _ = tenants
    my_users = mine.user_ids

    # when
    body = await gql(client, CUSTOMER_TREE, token=mine.token)

    # then
    assert "errors" not in body
    customers = body["data"]["customers"]["nodes"]
    assert {c["id"] for c in customers} == mine.current_customer_ids
    seen_resources: set[str] = set()
    for customer in customers:
        manager = customer["accountManager"]
        assert manager is None or manager["id"] in my_users
        resources = customer["resources"]
        assert resources["totalCount"] == len(resources["nodes"])
        for resource in resources["nodes"]:
            assert resource["customer"] == {"id": customer["id"]}
            seen_resources.add(resource["id"])
    assert seen_resources == mine.resource_ids


async def test_account_manager_of_another_tenant_is_not_shown(client, session, tenants):
    # given: a customer row pointing at the other partner's user (data that must never leak)
    mine, theirs = tenants
    mine.unmanaged.account_manager_id = theirs.sales.id
    await session.flush()

    # when
    body = await gql(
        client,
        CUSTOMER_WITH_RESOURCES,
        {"id": global_id("Customer", mine.unmanaged.id)},
        token=mine.token,
    )

    # then
    assert "errors" not in body
    assert body["data"]["customer"]["accountManager"] is None


async def test_resource_pointing_at_a_foreign_customer_shows_no_customer(client, session, tenants):
    # given: my resource row whose customer is the other partner's
    mine, theirs = tenants
    stray = await make_resource(session, mine.managed)
    stray.customer_id = theirs.managed.id
    await session.flush()

    # when
    body = await gql(
        client, RESOURCE_WITH_CUSTOMER, {"id": global_id("Resource", stray.id)}, token=mine.token
    )

    # then
    assert "errors" not in body
    assert body["data"]["resource"] == {"id": global_id("Resource", stray.id), "customer": None}


async def test_foreign_resource_on_my_customer_is_not_listed(client, session, tenants):
    # given: the other partner's resource row that names my customer
    mine, theirs = tenants
    stray = await make_resource(session, theirs.managed)
    stray.customer_id = mine.managed.id
    await session.flush()
    mine_of_managed = {global_id("Resource", r.id) for r in mine.resources[:2]}

    # when
    nested = await gql(
        client,
        CUSTOMER_WITH_RESOURCES,
        {"id": global_id("Customer", mine.managed.id)},
        token=mine.token,
    )
    listed = await gql(client, RESOURCES, token=mine.token)
    by_id = await gql(client, RESOURCE, {"id": global_id("Resource", stray.id)}, token=mine.token)

    # then
    resources = nested["data"]["customer"]["resources"]
    assert ids_of(resources) == mine_of_managed
    assert resources["totalCount"] == 2
    assert ids_of(listed["data"]["resources"]) == mine.resource_ids
    assert listed["data"]["resources"]["totalCount"] == 3
    assert by_id == {"data": {"resource": None}}


async def test_nested_customer_id_filter_of_another_tenant_shows_nothing_of_theirs(client, tenants):
    # given
    mine, theirs = tenants

    # when
    body = await gql(
        client,
        CUSTOMER_WITH_RESOURCES,
        {
            "id": global_id("Customer", mine.managed.id),
            "filter": {"customerId": global_id("Customer", theirs.managed.id)},
        },
        token=mine.token,
    )

    # then
    assert "errors" not in body
    resources = body["data"]["customer"]["resources"]
    assert ids_of(resources) <= {global_id("Resource", r.id) for r in mine.resources[:2]}
    assert resources["totalCount"] == len(resources["nodes"])


async def test_nested_customer_id_filter_is_ignored_as_documented(client, tenants):
    # given: the schema says `Customer.resources(filter:)` ignores customerId
    mine, theirs = tenants

    # when
    body = await gql(
        client,
        CUSTOMER_WITH_RESOURCES,
        {
            "id": global_id("Customer", mine.managed.id),
            "filter": {"customerId": global_id("Customer", theirs.managed.id)},
        },
        token=mine.token,
    )

    # then: the customer's own resources, as without the filter
    assert "errors" not in body
    resources = body["data"]["customer"]["resources"]
    assert ids_of(resources) == {global_id("Resource", r.id) for r in mine.resources[:2]}
    assert resources["totalCount"] == 2


# --- filters with foreign ids ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["managed", "unmanaged", "former"])
async def test_resources_filtered_by_foreign_customer_are_empty(client, tenants, which):
    # given
    mine, theirs = tenants
    foreign = getattr(theirs, which)

    # when
    body = await gql(
        client,
        RESOURCES,
        {"filter": {"customerId": global_id("Customer", foreign.id)}},
        token=mine.token,
    )

    # then
    assert body == {"data": {"resources": {"totalCount": 0, "nodes": []}}}


async def test_customers_filtered_by_foreign_account_manager_are_empty(client, tenants):
    # given
    mine, theirs = tenants

    # when
    body = await gql(
        client,
        CUSTOMERS,
        {"filter": {"accountManagerId": global_id("PartnerUser", theirs.sales.id)}},
        token=mine.token,
    )

    # then
    assert body == {"data": {"customers": {"totalCount": 0, "nodes": []}}}


async def test_customers_filtered_by_own_account_manager(client, tenants):
    # the counterpart of the test above: the filter does work within the tenant
    mine, _ = tenants

    body = await gql(
        client,
        CUSTOMERS,
        {"filter": {"accountManagerId": global_id("PartnerUser", mine.sales.id)}},
        token=mine.token,
    )

    assert body["data"]["customers"] == {
        "totalCount": 1,
        "nodes": [{"id": global_id("Customer", mine.managed.id)}],
    }


async def test_customers_filtered_by_foreign_name_are_empty(client, tenants):
    mine, theirs = tenants

    body = await gql(
        client, CUSTOMERS, {"filter": {"nameContains": theirs.managed.name}}, token=mine.token
    )

    assert body == {"data": {"customers": {"totalCount": 0, "nodes": []}}}


# --- mutations --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["managed", "unmanaged", "former"])
async def test_update_foreign_customer_is_not_found_and_changes_nothing(
    client, session, tenants, which
):
    # given
    mine, theirs = tenants
    foreign = getattr(theirs, which)
    foreign.labels = ["theirs"]
    foreign.remark = "their note"
    await session.flush()

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {
            "input": {
                "id": global_id("Customer", foreign.id),
                "labels": ["mine"],
                "remark": "mine",
            }
        },
        token=mine.token,
    )
    missing = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", MISSING), "labels": ["mine"], "remark": "mine"}},
        token=mine.token,
    )

    # then
    assert body == missing
    assert body == {
        "data": {
            "updateCustomer": {
                "customer": None,
                "userErrors": [
                    {"code": "NOT_FOUND", "field": ["input", "id"], "message": "No such customer."}
                ],
            }
        }
    }
    stored = await session.scalar(
        select(Customer).where(Customer.id == foreign.id).execution_options(populate_existing=True)
    )
    assert stored.labels == ["theirs"]
    assert stored.remark == "their note"
    assert (
        await session.scalar(select(AuditEvent).where(AuditEvent.object_id == foreign.id))
    ) is None
