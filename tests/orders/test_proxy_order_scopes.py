"""Which customer grant each proxy order kind acts under, and who may act under it.

NEW and CHANGE_SPEC need PROXY_ORDER; RENEW and UNSUBSCRIBE of an existing resource accept
PROXY_ORDER or OPERATIONS. A pending, expired or revoked grant is no grant. Acting under a
grant: ADMIN, and SALES for the customers it manages (also when it may see all customers).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.models import Order, Partner
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_customer, make_resource, make_user, token_for
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import CREATE_PROXY, create_proxy, make_world, new_line, resource_line

KINDS = ["NEW", "CHANGE_SPEC", "RENEW", "UNSUBSCRIBE"]
GRANTS = ["none", "PROXY_ORDER", "OPERATIONS", "both", "both_separately", "expired", "revoked"]
ALLOWED = {
    "NEW": {"PROXY_ORDER", "both", "both_separately"},
    "CHANGE_SPEC": {"PROXY_ORDER", "both", "both_separately"},
    "RENEW": {"PROXY_ORDER", "OPERATIONS", "both", "both_separately"},
    "UNSUBSCRIBE": {"PROXY_ORDER", "OPERATIONS", "both", "both_separately"},
}


@pytest.fixture
async def world(session):
    return await make_world(session)


async def grant(session, customer, held: str) -> None:
    """Give `customer` the authorizations `held` names."""
    past = clock.now() - timedelta(hours=1)
    if held == "PROXY_ORDER":
        await make_authorization(session, customer, proxy_order=True, operations=False)
    elif held == "OPERATIONS":
        await make_authorization(session, customer, proxy_order=False, operations=True)
    elif held == "both":
        await make_authorization(session, customer, proxy_order=True, operations=True)
    elif held == "both_separately":
        await make_authorization(session, customer, proxy_order=True, operations=False)
        await make_authorization(session, customer, proxy_order=False, operations=True)
    elif held == "expired":
        # approved, then its end passed: it reads EXPIRED before the job stores it
        await make_authorization(session, customer, operations=True, ends_at=past)
    elif held == "revoked":
        await make_authorization(
            session, customer, operations=True, status=AuthorizationStatus.REVOKED
        )
    else:
        assert held == "none"
        # a request the customer has not answered yet grants nothing either
        await make_authorization(
            session, customer, operations=True, status=AuthorizationStatus.PENDING
        )


def line_of(world, kind: str, resource) -> dict:
    rid = global_id("Resource", resource.id)
    if kind == "NEW":
        return new_line(world.products["ecs"])
    if kind == "RENEW":
        return resource_line(kind, rid, period={"unit": "MONTH", "count": 1})
    if kind == "CHANGE_SPEC":
        return resource_line(kind, rid, productId=global_id("Product", world.products["ecs_xl"]))
    return resource_line(kind, rid)


async def orders_of(session, customer) -> int:
    return await session.scalar(
        select(func.count()).select_from(Order).where(Order.customer_id == customer.id)
    )


@pytest.mark.parametrize("held", GRANTS)
@pytest.mark.parametrize("kind", KINDS)
async def test_scope_matrix(client, session, world, kind, held):
    # given a managed customer holding `held`, and a running resource of it
    customer = await make_customer(session, world.partner)
    await grant(session, customer, held)
    resource = await make_resource(session, customer, product_id=world.products["ecs"])

    # when
    payload = await create_proxy(client, world.admin, customer, [line_of(world, kind, resource)])

    # then
    if held in ALLOWED[kind]:
        assert payload["userErrors"] == [], (kind, held, payload)
        assert payload["order"]["kind"] == kind
        assert await orders_of(session, customer) == 1
    else:
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("AUTHORIZATION_REQUIRED", ["input", "customerId"])
        ], (kind, held)
        assert payload["order"] is None
        assert await orders_of(session, customer) == 0


async def test_the_refusal_names_the_scopes_that_would_do(client, session, world):
    customer = await make_customer(session, world.partner)
    resource = await make_resource(session, customer, product_id=world.products["ecs"])

    renew = await create_proxy(client, world.admin, customer, [line_of(world, "RENEW", resource)])
    new = await create_proxy(client, world.admin, customer, [new_line(world.products["ecs"])])

    assert "PROXY_ORDER or OPERATIONS" in renew["userErrors"][0]["message"]
    assert "OPERATIONS" not in new["userErrors"][0]["message"]


async def sales_token(session, partner: Partner, *, see_all: bool = False) -> tuple[object, str]:
    if see_all:
        await session.execute(
            update(Partner).where(Partner.id == partner.id).values(sales_see_all_customers=True)
        )
    user = await make_user(session, partner, Role.SALES)
    return user, await token_for(session, user)


@pytest.mark.parametrize("kind", KINDS)
async def test_sales_acts_for_the_customers_it_manages(client, session, world, kind):
    # given
    user, token = await sales_token(session, world.partner)
    customer = await make_customer(session, world.partner, manager=user)
    await grant(session, customer, "both")
    resource = await make_resource(session, customer, product_id=world.products["ecs"])

    # when
    payload = await create_proxy(client, token, customer, [line_of(world, kind, resource)])

    # then
    assert payload["userErrors"] == [] and payload["order"]["kind"] == kind


@pytest.mark.parametrize("kind", KINDS)
async def test_sales_not_managing_the_customer_finds_nothing(client, session, world, kind):
    # given another SALES user's customer (restricted SALES users do not see it)
    _user, token = await sales_token(session, world.partner)
    other = await make_user(session, world.partner, Role.SALES)
    customer = await make_customer(session, world.partner, manager=other)
    await grant(session, customer, "both")
    resource = await make_resource(session, customer, product_id=world.products["ecs"])

    # when
    payload = await create_proxy(client, token, customer, [line_of(world, kind, resource)])

    # then
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert await orders_of(session, customer) == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_sales_seeing_all_customers_still_acts_only_for_managed_ones(
    client, session, world, kind
):
    # given: visibility of every customer is a read grant, not a grant to act
    _user, token = await sales_token(session, world.partner, see_all=True)
    customer = await make_customer(session, world.partner)
    await grant(session, customer, "both")
    resource = await make_resource(session, customer, product_id=world.products["ecs"])

    # when
    body = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": [line_of(world, kind, resource)],
                "idempotencyKey": f"see-all-{kind}",
            }
        },
        token=token,
    )

    # then: the customer is visible, so the refusal is a role failure
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await orders_of(session, customer) == 0


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
@pytest.mark.parametrize("kind", KINDS)
async def test_other_roles_may_not_act_under_a_grant(client, session, world, role, kind):
    customer = await make_customer(session, world.partner)
    await grant(session, customer, "both")
    resource = await make_resource(session, customer, product_id=world.products["ecs"])
    token = await token_for(session, await make_user(session, world.partner, role))

    body = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": [line_of(world, kind, resource)],
                "idempotencyKey": f"role-{kind}",
            }
        },
        token=token,
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await orders_of(session, customer) == 0
