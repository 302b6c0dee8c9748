"""Authorizations as read: expiry, the customer's open ones, `require_authorization`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import Authorization
from app.models.lifecycle.enums import AuthorizationScope, AuthorizationStatus
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.jobs import run_due
from app.services.core.principal import Principal
from app.services.lifecycle.authorizations import require_authorization
from tests.factories import (
    gql,
    make_customer,
    make_partner,
    make_user,
)
from tests.lifecycle.authorization_helpers import LIST, aid
from tests.lifecycle.factories import make_authorization
from tests.rows import reread

OPEN = """
query Open {
  customers(first: 10, orderBy: {field: NAME}) {
    nodes { name openAuthorizations { id status scopes } }
  }
}
"""


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
    stored = await reread(session, Authorization, lapsing.id)
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
    selects = [
        s
        for s in statements.statements
        if s.lstrip().upper().startswith("SELECT") and "FROM api_tokens" not in s
    ]
    # besides the token's check (cached where the principal cache runs): the page, then
    # its open authorizations in one batch
    assert len(selects) == 2


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
