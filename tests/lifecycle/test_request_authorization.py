"""`requestAuthorization`: a partner asks a customer for an authorization; who may ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.authorization_helpers import APPROVE
from tests.lifecycle.factories import make_authorization

REQUEST = """
mutation Request($input: RequestAuthorizationInput!) {
  requestAuthorization(input: $input) {
    authorization { id scopes status endsAt note customer { id } }
    userErrors { code field message }
  }
}
"""


async def request(client, token, customer, frozen_clock, **extra):
    input = {
        "customerId": global_id("Customer", customer.id),
        "scopes": ["PROXY_ORDER", "OPERATIONS"],
        "endsAt": (frozen_clock.now() + timedelta(days=90)).isoformat(),
        **extra,
    }
    body = await gql(client, REQUEST, {"input": input}, token=token)
    return body["data"]["requestAuthorization"] if body.get("data") else body


async def test_request_then_customer_approves(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)

    asked = await request(client, admin, customer, frozen_clock, note="for renewals")
    approved = await gql(
        client,
        APPROVE,
        {"id": asked["authorization"]["id"]},
        token=await customer_token(session, customer),
    )

    assert asked["userErrors"] == []
    assert asked["authorization"]["status"] == "PENDING"
    assert asked["authorization"]["scopes"] == ["PROXY_ORDER", "OPERATIONS"]
    assert approved["data"]["approveAuthorization"]["authorization"]["status"] == "ACTIVE"
    actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions[-2:] == ["authorization.request", "authorization.approve"]


async def test_sales_asks_only_for_managed_customers(client, session, partner, frozen_clock):
    sales = await make_user(session, partner, Role.SALES)
    managed = await make_customer(session, partner, manager=sales)
    other = await make_customer(session, partner)
    token = await token_for(session, sales)

    ok = await request(client, token, managed, frozen_clock)
    hidden = await request(client, token, other, frozen_clock)

    assert ok["userErrors"] == []
    assert hidden["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_referral_customer_cannot_be_asked(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner, association_type=AssociationType.REFERRAL)

    payload = await request(client, admin, customer, frozen_clock)

    assert [e["code"] for e in payload["userErrors"]] == ["REFERRAL_MODE"]


async def test_invalid_requests(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)

    no_scope = await request(client, admin, customer, frozen_clock, scopes=[])
    repeated = await request(
        client, admin, customer, frozen_clock, scopes=["OPERATIONS", "OPERATIONS"]
    )
    past = await request(
        client, admin, customer, frozen_clock, endsAt=frozen_clock.now().isoformat()
    )

    assert no_scope["userErrors"][0]["field"] == ["input", "scopes"]
    assert repeated["userErrors"][0]["field"] == ["input", "scopes"]
    assert past["userErrors"][0]["field"] == ["input", "endsAt"]


async def test_one_pending_request_per_scope(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)
    await make_authorization(
        session, customer, status=AuthorizationStatus.PENDING, proxy_order=False, operations=True
    )
    await make_authorization(session, customer, status=AuthorizationStatus.ACTIVE)

    overlapping = await request(client, admin, customer, frozen_clock, scopes=["OPERATIONS"])
    separate = await request(client, admin, customer, frozen_clock, scopes=["PROXY_ORDER"])

    assert [e["code"] for e in overlapping["userErrors"]] == ["AUTHORIZATION_ALREADY_PENDING"]
    assert separate["userErrors"] == []  # an active grant can be renewed ahead of its end


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
async def test_roles_without_acquisition(client, session, partner, frozen_clock, role):
    customer = await make_customer(session, partner)
    token = await token_for(session, await make_user(session, partner, role))

    body = await request(client, token, customer, frozen_clock)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_platform_may_not_request(client, session, partner, frozen_clock):
    customer = await make_customer(session, partner)

    body = await request(client, await platform_token(session), customer, frozen_clock)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
