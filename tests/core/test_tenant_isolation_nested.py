"""Tenant isolation of nested lists and filters: a link or a filter naming another partner's rows
shows nothing of theirs."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from tests.core import tenant_helpers
from tests.core.tenant_helpers import CUSTOMERS, RESOURCES, ids_of
from tests.factories import global_id, gql, make_resource

tenants = tenant_helpers.tenants  # a fixture shared with the other tenant tests


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


# A row can't point at another partner's row: the foreign keys between tenant tables include
# `partner_id` (docs/operations.md, "Sharding"), so the stray rows the loaders once had to hide
# are refused by the database itself.


@pytest.mark.parametrize("stray", ["account_manager", "resource_customer", "their_resource"])
async def test_a_row_pointing_at_another_partners_row_is_refused(session, tenants, stray):
    # given
    mine, theirs = tenants
    resource = None
    if stray == "resource_customer":
        resource = await make_resource(session, mine.managed)
    elif stray == "their_resource":
        resource = await make_resource(session, theirs.managed)

    # when / then
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            if stray == "account_manager":
                mine.unmanaged.account_manager_id = theirs.sales.id
            elif stray == "resource_customer":
                resource.customer_id = theirs.managed.id
            else:
                resource.customer_id = mine.managed.id
            await session.flush()


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
