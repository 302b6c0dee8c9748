"""freezeCustomer / unfreezeCustomer: the platform's switch that association changes read."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent
from app.models.customers.enums import CustomerStatus
from app.models.partners.enums import Role
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

FREEZE = """
mutation Freeze($id: ID!) {
  freezeCustomer(input: {id: $id, reason: "fraud check"}) {
    customer { id status }
    userErrors { code field message }
  }
}
"""


UNFREEZE = """
mutation Unfreeze($id: ID!) {
  unfreezeCustomer(input: {id: $id}) {
    customer { id status }
    userErrors { code field message }
  }
}
"""


async def test_platform_freezes_and_unfreezes(client, session):
    customer = await make_customer(session, await make_partner(session))
    token = await platform_token(session)
    cid = global_id("Customer", customer.id)

    frozen = await gql(client, FREEZE, {"id": cid}, token=token)
    twice = await gql(client, FREEZE, {"id": cid}, token=token)
    thawed = await gql(client, UNFREEZE, {"id": cid}, token=token)
    again = await gql(client, UNFREEZE, {"id": cid}, token=token)

    assert frozen["data"]["freezeCustomer"]["customer"] == {"id": cid, "status": "FROZEN"}
    assert twice["data"]["freezeCustomer"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert thawed["data"]["unfreezeCustomer"]["customer"]["status"] == "ACTIVE"
    assert again["data"]["unfreezeCustomer"]["userErrors"][0]["code"] == "INVALID_STATE"
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "customer.freeze"))
    assert event.after == {"status": "FROZEN", "reason": "fraud check"}
    assert event.partner_id == customer.partner_id


async def test_partners_and_customers_cannot_freeze(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    tokens = [
        await token_for(session, await make_user(session, partner, Role.ADMIN)),
        await customer_token(session, customer),
    ]
    for token in tokens:
        body = await gql(client, FREEZE, {"id": global_id("Customer", customer.id)}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await session.refresh(customer)
    assert customer.status is CustomerStatus.ACTIVE


async def test_unknown_customer(client, session):
    body = await gql(
        client, FREEZE, {"id": global_id("Customer", 10**12)}, token=await platform_token(session)
    )

    assert body["data"]["freezeCustomer"]["userErrors"][0]["code"] == "NOT_FOUND"
