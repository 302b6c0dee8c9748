"""freezeCustomer / unfreezeCustomer: the platform's switch that association changes read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent
from app.models.customers.enums import CustomerStatus
from app.models.partners.enums import PrincipalKind, Role
from tests.conftest import NOW
from tests.customers.freeze_helpers import events_of, freeze, status_of
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
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


async def test_freeze_records_the_status_before_and_the_trimmed_reason(client, session):
    # given
    customer = await make_customer(session, await make_partner(session))

    # when
    body = await freeze(
        client, await platform_token(session), global_id("Customer", customer.id), "  audit  "
    )

    # then
    assert body["data"]["freezeCustomer"]["userErrors"] == []
    assert await status_of(session, customer) is CustomerStatus.FROZEN
    [event] = await events_of(session, customer)
    assert event.action == "customer.freeze"
    assert event.principal_kind is PrincipalKind.PLATFORM
    assert event.before == {"status": "ACTIVE"}
    assert event.after == {"status": "FROZEN", "reason": "audit"}
    assert event.request_id


async def test_freeze_reason_is_optional_and_may_be_500_characters(client, session):
    # given
    partner = await make_partner(session)
    token = await platform_token(session)
    without, longest = await make_customer(session, partner), await make_customer(session, partner)

    # when
    bodies = [
        await freeze(client, token, global_id("Customer", without.id)),
        await freeze(client, token, global_id("Customer", longest.id), "r" * 500),
    ]

    # then
    assert [b["data"]["freezeCustomer"]["userErrors"] for b in bodies] == [[], []]
    [first] = await events_of(session, without)
    [second] = await events_of(session, longest)
    assert first.after == {"status": "FROZEN", "reason": ""}
    assert second.after == {"status": "FROZEN", "reason": "r" * 500}


async def test_freeze_reason_over_500_characters_is_invalid_input(client, session):
    # given
    customer = await make_customer(session, await make_partner(session))

    # when
    body = await freeze(
        client, await platform_token(session), global_id("Customer", customer.id), "r" * 501
    )

    # then
    assert body["data"]["freezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {
                "code": "INVALID_INPUT",
                "field": ["input", "reason"],
                "message": "A reason has at most 500 characters.",
            }
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.ACTIVE
    assert await events_of(session, customer) == []


async def test_freezing_a_frozen_customer_is_invalid_state_and_changes_nothing(client, session):
    # given
    customer = await make_customer(
        session, await make_partner(session), status=CustomerStatus.FROZEN
    )

    # when
    body = await freeze(client, await platform_token(session), global_id("Customer", customer.id))

    # then
    assert body["data"]["freezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {
                "code": "INVALID_STATE",
                "field": ["input", "id"],
                "message": "The customer is already FROZEN.",
            }
        ],
    }
    assert await events_of(session, customer) == []


async def test_freezing_an_ended_association_is_invalid_state(client, session):
    # given
    customer = await make_customer(
        session,
        await make_partner(session),
        associated_at=NOW - timedelta(days=400),
        ended_at=NOW - timedelta(days=10),
    )

    # when
    body = await freeze(client, await platform_token(session), global_id("Customer", customer.id))

    # then
    assert body["data"]["freezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {
                "code": "INVALID_STATE",
                "field": ["input", "id"],
                "message": "The association has ended.",
            }
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.ACTIVE
    assert await events_of(session, customer) == []


@pytest.mark.parametrize("which", ["another type", "malformed"])
async def test_freeze_id_of_another_type_or_malformed_is_not_found(client, session, which):
    # given
    customer = await make_customer(session, await make_partner(session))
    resource = await make_resource(session, customer)
    bad_id = {"another type": global_id("Resource", resource.id), "malformed": "not-an-id"}[which]

    # when
    body = await freeze(client, await platform_token(session), bad_id)

    # then
    assert body["data"]["freezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {"code": "NOT_FOUND", "field": ["input", "id"], "message": "No such customer."}
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.ACTIVE


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_no_partner_role_may_freeze(client, session, role):
    # given (ADMIN and CUSTOMER: test_partners_and_customers_cannot_freeze)
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    token = await token_for(session, await make_user(session, partner, role))

    # when
    body = await freeze(client, token, global_id("Customer", customer.id), "x")

    # then
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["freezeCustomer"]
    assert await status_of(session, customer) is CustomerStatus.ACTIVE
    assert await events_of(session, customer) == []


async def test_freeze_forbidden_comes_before_not_found_and_invalid_input(client, session):
    admin = await make_user(session, await make_partner(session), Role.ADMIN)

    body = await freeze(
        client, await token_for(session, admin), global_id("Customer", 10**12), "r" * 501
    )

    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
