"""Roles: who reads what (DOMAIN.md > Who may do what), and who may call `updateCustomer`.

One partner with a user of every role, customers managed by two SALES users, one by the ADMIN,
one without a manager and one former customer; a second partner for the platform's view.
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
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
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

RESOURCE = """
query Resource($id: ID!) {
  resource(id: $id) { id }
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

PARTNER_USERS = """
query PartnerUsers {
  partnerUsers(first: 100) {
    totalCount
    nodes { id }
  }
}
"""

CUSTOMER_TREE = """
query CustomerTree {
  # page sizes keep the query within the 1,000-point cost budget
  customers(first: 20) {
    totalCount
    nodes {
      id
      resources(first: 10) {
        totalCount
        nodes { id customer { id } }
      }
    }
  }
}
"""

UPDATE_CUSTOMER = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id remark }
    userErrors { code field message }
  }
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


async def associate_again(session, former: Customer, partner: Partner) -> Customer:
    """A new (current) association of `former`'s cloud account with `partner`."""
    customer = Customer(
        partner_id=partner.id,
        cloud_account_id=former.cloud_account_id,
        name=former.name,
        account_name=former.account_name,
        association_type=former.association_type,
        status=former.status,
        associated_at=NOW - timedelta(days=5),
        labels=[],
        remark="",
    )
    session.add(customer)
    await session.flush()
    return customer


@pytest.fixture
async def shop(session) -> Shop:
    return await make_shop(session)


# --- ADMIN, FINANCE, VIEWER: the whole partner ------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.VIEWER])
async def test_full_read_roles_see_every_current_customer(client, session, shop, role):
    # given
    token = await token_for(session, shop.users[role])

    # when
    body = await gql(client, CUSTOMERS, token=token)

    # then
    assert "errors" not in body
    assert ids_of(body["data"]["customers"]) == shop.current_customer_ids
    assert body["data"]["customers"]["totalCount"] == 4


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.VIEWER])
async def test_full_read_roles_see_every_resource(client, session, shop, role):
    token = await token_for(session, shop.users[role])

    body = await gql(client, RESOURCES, token=token)

    assert ids_of(body["data"]["resources"]) == shop.resource_ids
    assert body["data"]["resources"]["totalCount"] == 3


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.VIEWER])
async def test_full_read_roles_fetch_any_customer_by_id(client, session, shop, role):
    # given
    token = await token_for(session, shop.users[role])
    wanted = [shop.by_sales_2, shop.unmanaged, shop.former]

    # when
    bodies = [
        await gql(client, CUSTOMER, {"id": global_id("Customer", c.id)}, token=token)
        for c in wanted
    ]

    # then
    assert [b["data"]["customer"]["id"] for b in bodies] == [
        global_id("Customer", c.id) for c in wanted
    ]


# --- SALES: managed customers only, unless the partner allows all -----------------------------


async def test_sales_sees_only_managed_customers(client, session, shop):
    # given
    token = await token_for(session, shop.users[Role.SALES])

    # when
    body = await gql(client, CUSTOMERS, token=token)

    # then
    assert body["data"]["customers"] == {
        "totalCount": 1,
        "nodes": [{"id": global_id("Customer", shop.by_sales.id)}],
    }


async def test_sales_sees_only_resources_of_managed_customers(client, session, shop):
    # given
    token = await token_for(session, shop.users[Role.SALES])

    # when
    body = await gql(client, RESOURCES, token=token)

    # then
    assert body["data"]["resources"] == {
        "totalCount": 1,
        "nodes": [{"id": global_id("Resource", shop.res_by_sales.id)}],
    }


@pytest.mark.parametrize("which", ["by_sales_2", "by_admin", "unmanaged"])
async def test_sales_cannot_fetch_an_unmanaged_customer(client, session, shop, which):
    # given
    token = await token_for(session, shop.users[Role.SALES])
    other = global_id("Customer", getattr(shop, which).id)

    # when
    by_customer = await gql(client, CUSTOMER, {"id": other}, token=token)
    by_node = await gql(client, NODE, {"id": other}, token=token)

    # then
    assert by_customer == {"data": {"customer": None}}
    assert by_node == {"data": {"node": None}}


@pytest.mark.parametrize("which", ["res_by_sales_2", "res_unmanaged"])
async def test_sales_cannot_fetch_a_resource_of_an_unmanaged_customer(client, session, shop, which):
    # given
    token = await token_for(session, shop.users[Role.SALES])
    other = global_id("Resource", getattr(shop, which).id)

    # when
    by_resource = await gql(client, RESOURCE, {"id": other}, token=token)
    by_node = await gql(client, NODE, {"id": other}, token=token)

    # then
    assert by_resource == {"data": {"resource": None}}
    assert by_node == {"data": {"node": None}}


async def test_sales_fetches_managed_customer_and_resource(client, session, shop):
    # given
    token = await token_for(session, shop.users[Role.SALES])
    ids = [
        global_id("Customer", shop.by_sales.id),
        global_id("Customer", shop.by_sales_2.id),
        global_id("Resource", shop.res_by_sales.id),
        global_id("Resource", shop.res_unmanaged.id),
    ]

    # when
    body = await gql(client, NODES, {"ids": ids}, token=token)

    # then
    assert body["data"]["nodes"] == [
        {"__typename": "Customer", "id": ids[0]},
        None,
        {"__typename": "Resource", "id": ids[2]},
        None,
    ]


async def test_sales_nested_lists_hold_only_managed_customers(client, session, shop):
    # given
    token = await token_for(session, shop.users[Role.SALES])
    managed = global_id("Customer", shop.by_sales.id)

    # when
    body = await gql(client, CUSTOMER_TREE, token=token)

    # then
    assert "errors" not in body
    assert body["data"]["customers"] == {
        "totalCount": 1,
        "nodes": [
            {
                "id": managed,
                "resources": {
                    "totalCount": 1,
                    "nodes": [
                        {
                            "id": global_id("Resource", shop.res_by_sales.id),
                            "customer": {"id": managed},
                        }
                    ],
                },
            }
        ],
    }


async def test_sales_filters_on_unmanaged_customers_find_nothing(client, session, shop):
    # given
    token = await token_for(session, shop.users[Role.SALES])

    # when
    by_manager = await gql(
        client,
        CUSTOMERS,
        {"filter": {"accountManagerId": global_id("PartnerUser", shop.sales_2.id)}},
        token=token,
    )
    by_customer = await gql(
        client,
        RESOURCES,
        {"filter": {"customerId": global_id("Customer", shop.by_sales_2.id)}},
        token=token,
    )

    # then
    assert by_manager["data"]["customers"] == {"totalCount": 0, "nodes": []}
    assert by_customer["data"]["resources"] == {"totalCount": 0, "nodes": []}


async def test_sales_sees_all_customers_when_the_partner_allows(client, session):
    # given
    shop = await make_shop(session, sales_see_all_customers=True)
    token = await token_for(session, shop.users[Role.SALES])

    # when
    customers = await gql(client, CUSTOMERS, token=token)
    resources = await gql(client, RESOURCES, token=token)
    other = await gql(
        client, CUSTOMER, {"id": global_id("Customer", shop.by_sales_2.id)}, token=token
    )
    other_resource = await gql(
        client, NODE, {"id": global_id("Resource", shop.res_unmanaged.id)}, token=token
    )

    # then
    assert ids_of(customers["data"]["customers"]) == shop.current_customer_ids
    assert customers["data"]["customers"]["totalCount"] == 4
    assert ids_of(resources["data"]["resources"]) == shop.resource_ids
    assert other["data"]["customer"] == {"id": global_id("Customer", shop.by_sales_2.id)}
    assert other_resource["data"]["node"] == {
        "__typename": "Resource",
        "id": global_id("Resource", shop.res_unmanaged.id),
    }


async def test_sales_visibility_follows_the_partner_setting(client, session, shop):
    # given
    token = await token_for(session, shop.users[Role.SALES])
    before = await gql(client, CUSTOMERS, token=token)

    # when: the partner lets SALES see all customers, then takes it back
    shop.partner.sales_see_all_customers = True
    await session.flush()
    allowed = await gql(client, CUSTOMERS, token=token)
    shop.partner.sales_see_all_customers = False
    await session.flush()
    after = await gql(client, CUSTOMERS, token=token)

    # then
    assert before["data"]["customers"]["totalCount"] == 1
    assert allowed["data"]["customers"]["totalCount"] == 4
    assert after["data"]["customers"]["totalCount"] == 1


# --- CUSTOMER: its own rows only --------------------------------------------------------------


@pytest.fixture
async def cloud_account(session, shop):
    """A cloud account formerly with another partner, now a customer of `shop`'s partner."""
    previous = await make_partner(session)
    former = await make_customer(
        session,
        previous,
        associated_at=NOW - timedelta(days=300),
        ended_at=NOW - timedelta(days=30),
    )
    current = await associate_again(session, former, shop.partner)
    resource = await make_resource(session, current)
    return {
        "former": former,
        "current": current,
        "resource": resource,
        "token": await customer_token(session, current),
    }


async def test_customer_lists_only_its_current_association(client, shop, cloud_account):
    # when
    body = await gql(client, CUSTOMERS, token=cloud_account["token"])

    # then
    assert "errors" not in body
    assert body["data"]["customers"] == {
        "totalCount": 1,
        "nodes": [{"id": global_id("Customer", cloud_account["current"].id)}],
    }


async def test_customer_fetches_its_own_associations_only(client, shop, cloud_account):
    # given
    token = cloud_account["token"]

    # when
    own = [
        await gql(client, CUSTOMER, {"id": global_id("Customer", c.id)}, token=token)
        for c in (cloud_account["current"], cloud_account["former"])
    ]
    others = [
        await gql(client, CUSTOMER, {"id": global_id("Customer", c.id)}, token=token)
        for c in (shop.by_sales, shop.unmanaged, shop.former)
    ]

    # then
    assert [b["data"]["customer"] for b in own] == [
        {"id": global_id("Customer", cloud_account["current"].id)},
        {"id": global_id("Customer", cloud_account["former"].id)},
    ]
    assert all(b == {"data": {"customer": None}} for b in others)


async def test_customer_sees_only_its_own_resources(client, shop, cloud_account):
    # given
    token = cloud_account["token"]
    own = global_id("Resource", cloud_account["resource"].id)

    # when
    listed = await gql(client, RESOURCES, token=token)
    nodes = await gql(
        client,
        NODES,
        {"ids": [own, *sorted(shop.resource_ids), *sorted(shop.current_customer_ids)]},
        token=token,
    )

    # then
    assert listed["data"]["resources"] == {"totalCount": 1, "nodes": [{"id": own}]}
    assert nodes["data"]["nodes"] == [{"__typename": "Resource", "id": own}] + [None] * 7


async def test_customer_cannot_list_partner_users(client, shop, cloud_account):
    # when
    body = await gql(client, PARTNER_USERS, token=cloud_account["token"])

    # then
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["partnerUsers"]


async def test_customer_cannot_fetch_partner_users_by_id(client, shop, cloud_account):
    ids = [global_id("PartnerUser", u.id) for u in shop.users.values()]

    body = await gql(client, NODES, {"ids": ids}, token=cloud_account["token"])

    assert body == {"data": {"nodes": [None] * len(ids)}}


# --- PLATFORM: every partner ------------------------------------------------------------------


async def test_platform_sees_customers_of_every_partner(client, session, shop):
    # given
    other = await make_partner(session)
    theirs = await make_customer(session, other)
    their_resource = await make_resource(session, theirs)
    token = await platform_token(session)
    expected = shop.current_customer_ids | cids(theirs)

    # when
    customers = await gql(client, CUSTOMERS, token=token)
    resources = await gql(client, RESOURCES, token=token)
    nodes = await gql(
        client,
        NODES,
        {"ids": [global_id("Customer", theirs.id), global_id("Customer", shop.by_sales_2.id)]},
        token=token,
    )

    # then
    assert "errors" not in customers
    assert expected <= ids_of(customers["data"]["customers"])
    assert customers["data"]["customers"]["totalCount"] >= len(expected)
    assert shop.resource_ids | rids(their_resource) <= ids_of(resources["data"]["resources"])
    assert [n["id"] for n in nodes["data"]["nodes"]] == [
        global_id("Customer", theirs.id),
        global_id("Customer", shop.by_sales_2.id),
    ]


# --- updateCustomer: ADMIN, and SALES for managed customers ----------------------------------


async def _remark_of(session, customer: Customer) -> str:
    return await session.scalar(
        select(Customer.remark)
        .where(Customer.id == customer.id)
        .execution_options(populate_existing=True)
    )


async def _audit_events_of(session, customer: Customer) -> list[AuditEvent]:
    return list(
        await session.scalars(select(AuditEvent).where(AuditEvent.object_id == customer.id))
    )


@pytest.mark.parametrize("which", ["by_sales", "by_sales_2", "unmanaged", "former"])
async def test_admin_updates_any_customer_of_the_partner(client, session, shop, which):
    # given
    token = await token_for(session, shop.users[Role.ADMIN])
    customer = getattr(shop, which)
    cid = global_id("Customer", customer.id)

    # when
    body = await gql(client, UPDATE_CUSTOMER, {"input": {"id": cid, "remark": "ok"}}, token=token)

    # then
    assert body["data"]["updateCustomer"] == {
        "customer": {"id": cid, "remark": "ok"},
        "userErrors": [],
    }
    assert await _remark_of(session, customer) == "ok"


@pytest.mark.parametrize("which", ["by_sales_2", "by_admin"])
async def test_sales_cannot_update_a_customer_another_user_manages(client, session, shop, which):
    # given
    token = await token_for(session, shop.users[Role.SALES])
    customer = getattr(shop, which)

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", customer.id), "remark": "not mine"}},
        token=token,
    )

    # then
    assert body["data"]["updateCustomer"] == {
        "customer": None,
        "userErrors": [
            {"code": "NOT_FOUND", "field": ["input", "id"], "message": "No such customer."}
        ],
    }
    assert await _remark_of(session, customer) == ""
    assert await _audit_events_of(session, customer) == []


async def test_sales_updates_managed_customer_when_seeing_all(client, session):
    # given
    shop = await make_shop(session, sales_see_all_customers=True)
    token = await token_for(session, shop.users[Role.SALES])
    cid = global_id("Customer", shop.by_sales.id)

    # when
    body = await gql(client, UPDATE_CUSTOMER, {"input": {"id": cid, "remark": "mine"}}, token=token)

    # then
    assert body["data"]["updateCustomer"]["userErrors"] == []
    assert await _remark_of(session, shop.by_sales) == "mine"


@pytest.mark.parametrize("which", ["by_sales_2", "unmanaged"])
async def test_sales_seeing_all_still_updates_only_managed_customers(client, session, which):
    # given: visibility of all customers is a read grant; updateCustomer stays
    # "ADMIN; SALES for managed customers" (schema, service docstring, DOMAIN.md's SALES role)
    shop = await make_shop(session, sales_see_all_customers=True)
    token = await token_for(session, shop.users[Role.SALES])
    customer = getattr(shop, which)

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", customer.id), "remark": "not mine"}},
        token=token,
    )

    # then: the customer is visible, so the refusal is a role failure, not NOT_FOUND
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["updateCustomer"]
    assert await _remark_of(session, customer) == ""


@pytest.mark.parametrize("principal", ["FINANCE", "VIEWER", "PLATFORM"])
async def test_forbidden_update_changes_nothing(client, session, shop, principal):
    # given
    if principal == "PLATFORM":
        token = await platform_token(session)
    else:
        token = await token_for(session, shop.users[Role(principal)])
    customer = shop.by_sales

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", customer.id), "remark": "x", "labels": ["x"]}},
        token=token,
    )

    # then
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["updateCustomer"]
    assert await _remark_of(session, customer) == ""
    assert await _audit_events_of(session, customer) == []


@pytest.mark.parametrize("principal", ["FINANCE", "VIEWER", "PLATFORM"])
async def test_forbidden_comes_before_not_found(client, session, shop, principal):
    # a role that may not update gets FORBIDDEN whatever the id, so ids reveal nothing either way
    if principal == "PLATFORM":
        token = await platform_token(session)
    else:
        token = await token_for(session, shop.users[Role(principal)])

    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", 10**12), "remark": "x"}},
        token=token,
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
