"""Tenant isolation of root fields: with one partner's token, no list, id or mutation reaches
another partner's rows; another partner's ids behave exactly like ids that do not exist.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Customer
from tests.core import tenant_helpers
from tests.core.tenant_helpers import CUSTOMERS, RESOURCE, RESOURCES, ids_of
from tests.factories import global_id, gql

tenants = tenant_helpers.tenants  # a fixture shared with the other tenant tests


MISSING = 10**12


CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) { id name }
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


UPDATE_CUSTOMER = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id labels remark }
    userErrors { code field message }
  }
}
"""


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
