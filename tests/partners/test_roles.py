"""Roles: what the partner's roles read (DOMAIN.md > Who may do what): ADMIN, FINANCE and
VIEWER the whole partner, SALES its managed customers unless the partner lets it see all."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import global_id, gql, token_for
from tests.partners import roles_helpers
from tests.partners.roles_helpers import CUSTOMER, CUSTOMERS, NODES, RESOURCES, ids_of, make_shop

shop = roles_helpers.shop  # a fixture shared with the other roles tests


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
