"""Authorizations: request, approve/reject, revoke by either side, expiry, and the check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Authorization
from app.models.core.enums import (
    AssociationType,
    AuthorizationScope,
    AuthorizationStatus,
    PrincipalKind,
    Role,
)
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.jobs import run_due
from app.services.core.principal import Principal
from app.services.lifecycle.authorizations import require_authorization
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import make_authorization

REQUEST = """
mutation Request($input: RequestAuthorizationInput!) {
  requestAuthorization(input: $input) {
    authorization { id scopes status endsAt note customer { id } }
    userErrors { code field message }
  }
}
"""
APPROVE = """
mutation Approve($id: ID!) {
  approveAuthorization(input: {id: $id}) {
    authorization { id status answeredAt }
    userErrors { code field message }
  }
}
"""
REJECT = """
mutation Reject($id: ID!) {
  rejectAuthorization(input: {id: $id, reason: "no"}) {
    authorization { id status rejectionReason }
    userErrors { code field message }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeAuthorization(input: {id: $id}) {
    authorization { id status revokedBy }
    userErrors { code field message }
  }
}
"""
LIST = """
query List($filter: AuthorizationFilter) {
  authorizations(first: 10, filter: $filter) { totalCount nodes { id status scopes } }
}
"""
OPEN = """
query Open {
  customers(first: 10, orderBy: {field: NAME}) {
    nodes { name openAuthorizations { id status scopes } }
  }
}
"""


def aid(authorization) -> str:
    return global_id("Authorization", authorization.id)


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def admin(session, partner):
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


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


async def test_the_customer_rejects(client, session, partner):
    customer = await make_customer(session, partner)
    pending = await make_authorization(session, customer, status=AuthorizationStatus.PENDING)

    body = await gql(
        client, REJECT, {"id": aid(pending)}, token=await customer_token(session, customer)
    )

    assert body["data"]["rejectAuthorization"]["authorization"]["status"] == "REJECTED"


@pytest.mark.parametrize(
    "status",
    [
        AuthorizationStatus.ACTIVE,
        AuthorizationStatus.REJECTED,
        AuthorizationStatus.REVOKED,
        AuthorizationStatus.EXPIRED,
        AuthorizationStatus.ENDED,
    ],
)
async def test_only_pending_ones_are_answered(client, session, partner, status):
    customer = await make_customer(session, partner)
    authorization = await make_authorization(session, customer, status=status)
    token = await customer_token(session, customer)

    approve = await gql(client, APPROVE, {"id": aid(authorization)}, token=token)
    reject = await gql(client, REJECT, {"id": aid(authorization)}, token=token)

    assert approve["data"]["approveAuthorization"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert reject["data"]["rejectAuthorization"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_partners_cannot_answer_for_the_customer(client, session, partner, admin):
    customer = await make_customer(session, partner)
    pending = await make_authorization(session, customer, status=AuthorizationStatus.PENDING)

    body = await gql(client, APPROVE, {"id": aid(pending)}, token=admin)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_either_side_revokes(client, session, partner, admin):
    customer = await make_customer(session, partner)
    by_partner = await make_authorization(session, customer)
    by_customer = await make_authorization(session, customer, operations=True, proxy_order=False)

    partner_side = await gql(client, REVOKE, {"id": aid(by_partner)}, token=admin)
    customer_side = await gql(
        client, REVOKE, {"id": aid(by_customer)}, token=await customer_token(session, customer)
    )
    again = await gql(client, REVOKE, {"id": aid(by_partner)}, token=admin)

    assert partner_side["data"]["revokeAuthorization"]["authorization"]["revokedBy"] == (
        "PARTNER_USER"
    )
    assert customer_side["data"]["revokeAuthorization"]["authorization"]["revokedBy"] == "CUSTOMER"
    assert again["data"]["revokeAuthorization"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_tenant_isolation(client, session, admin):
    theirs = await make_authorization(
        session, await make_customer(session, await make_partner(session))
    )

    revoke = await gql(client, REVOKE, {"id": aid(theirs)}, token=admin)
    listed = await gql(client, LIST, {}, token=admin)
    node = await gql(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": aid(theirs)}, token=admin
    )

    assert revoke["data"]["revokeAuthorization"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert listed["data"]["authorizations"]["totalCount"] == 0
    assert node["data"]["node"] is None


async def test_expiry_on_read_and_by_the_job(db, client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)
    lapsing = await make_authorization(
        session, customer, ends_at=frozen_clock.now() + timedelta(hours=1)
    )
    frozen_clock.advance(timedelta(hours=1))

    listed = await gql(client, LIST, {"filter": {"statuses": ["EXPIRED"]}}, token=admin)
    active = await gql(client, LIST, {"filter": {"statuses": ["ACTIVE"]}}, token=admin)
    await session.commit()
    outcomes = {o.name: o for o in await run_due(db, force=True)}

    assert [n["id"] for n in listed["data"]["authorizations"]["nodes"]] == [aid(lapsing)]
    assert active["data"]["authorizations"]["totalCount"] == 0
    assert outcomes["authorizations.expire"].result == "1 authorizations expired"
    stored = await session.get(Authorization, lapsing.id, populate_existing=True)
    assert stored.status is AuthorizationStatus.EXPIRED


async def test_customer_lists_its_open_authorizations_without_n_plus_1(
    client, session, partner, admin, statements
):
    a = await make_customer(session, partner, name="A")
    b = await make_customer(session, partner, name="B")
    await make_authorization(session, a)
    await make_authorization(session, a, status=AuthorizationStatus.REVOKED)
    await make_authorization(
        session, b, status=AuthorizationStatus.PENDING, proxy_order=False, operations=True
    )
    await gql(client, OPEN, token=admin)

    statements.reset()
    statements.active = True
    body = await gql(client, OPEN, token=admin)
    statements.active = False

    nodes = {n["name"]: n["openAuthorizations"] for n in body["data"]["customers"]["nodes"]}
    assert [(x["status"], x["scopes"]) for x in nodes["A"]] == [("ACTIVE", ["PROXY_ORDER"])]
    assert [(x["status"], x["scopes"]) for x in nodes["B"]] == [("PENDING", ["OPERATIONS"])]
    selects = [s for s in statements.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3  # auth, customers page, open authorizations of the page


# require_authorization: the check proxy orders and operations will call


async def test_require_authorization(session, frozen_clock):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    user = await make_user(session, partner, Role.SALES)
    ctx = ServiceContext(
        session,
        Principal(
            PrincipalKind.PARTNER_USER, partner_id=partner.id, user_id=user.id, role=Role.ADMIN
        ),
    )
    await make_authorization(
        session, customer, proxy_order=True, ends_at=frozen_clock.now() + timedelta(days=1)
    )
    await make_authorization(
        session, customer, proxy_order=False, operations=True, status=AuthorizationStatus.REVOKED
    )

    await require_authorization(ctx, customer.id, AuthorizationScope.PROXY_ORDER)
    with pytest.raises(DomainError) as refused:
        await require_authorization(ctx, customer.id, AuthorizationScope.OPERATIONS)
    assert refused.value.code is ErrorCode.AUTHORIZATION_REQUIRED

    frozen_clock.advance(timedelta(days=1))
    with pytest.raises(DomainError):
        await require_authorization(ctx, customer.id, AuthorizationScope.PROXY_ORDER)


async def test_require_authorization_is_tenant_scoped(session):
    mine, theirs = await make_partner(session), await make_partner(session)
    customer = await make_customer(session, theirs)
    await make_authorization(session, customer)
    ctx = ServiceContext(
        session,
        Principal(PrincipalKind.PARTNER_USER, partner_id=mine.id, user_id=1, role=Role.ADMIN),
    )

    with pytest.raises(DomainError):
        await require_authorization(ctx, customer.id, AuthorizationScope.PROXY_ORDER)


async def test_platform_may_not_request(client, session, partner, frozen_clock):
    customer = await make_customer(session, partner)

    body = await request(client, await platform_token(session), customer, frozen_clock)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
