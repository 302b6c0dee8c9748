"""`updateCustomer` by role: ADMIN any customer of the partner, SALES its managed customers only;
other roles are FORBIDDEN before any lookup, and a refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Customer
from app.models.partners.enums import Role
from tests.factories import global_id, gql, platform_token, token_for
from tests.partners import roles_helpers
from tests.partners.roles_helpers import make_shop

shop = roles_helpers.shop  # a fixture shared with the other roles tests


UPDATE_CUSTOMER = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id remark }
    userErrors { code field message }
  }
}
"""


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
