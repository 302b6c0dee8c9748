"""Roles: what a CUSTOMER principal (its own associations only) and the PLATFORM (every
partner) read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import Customer, Partner
from tests.conftest import NOW
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    platform_token,
)
from tests.partners import roles_helpers
from tests.partners.roles_helpers import CUSTOMER, CUSTOMERS, NODES, RESOURCES, cids, ids_of, rids

shop = roles_helpers.shop  # a fixture shared with the other roles tests


PARTNER_USERS = """
query PartnerUsers {
  partnerUsers(first: 100) {
    totalCount
    nodes { id }
  }
}
"""


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
