"""unfreezeCustomer: the platform lifts a freeze; every refusal it answers changes nothing.

(The round trip freeze -> unfreeze -> unfreeze again is `test_platform_freezes_and_unfreezes` in
test_freeze_customer.py: it checks both mutations in one sequence.)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.models import Customer
from app.models.customers.enums import CustomerStatus
from app.models.partners.enums import PrincipalKind, Role
from tests.conftest import NOW
from tests.customers.freeze_helpers import events_of, freeze, status_of, unfreeze
from tests.factories import (
    customer_token,
    global_id,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
    token_for,
)


async def frozen_customer(session: Any, **fields: Any) -> Customer:
    return await make_customer(
        session, await make_partner(session), status=CustomerStatus.FROZEN, **fields
    )


# --- the good path --------------------------------------------------------------------------


async def test_platform_unfreezes_a_frozen_customer_and_records_why(client, session):
    # given
    customer = await frozen_customer(session)
    cid = global_id("Customer", customer.id)

    # when
    body = await unfreeze(client, await platform_token(session), cid, "  checks passed  ")

    # then
    assert body["data"]["unfreezeCustomer"] == {
        "customer": {"id": cid, "status": "ACTIVE"},
        "userErrors": [],
    }
    assert await status_of(session, customer) is CustomerStatus.ACTIVE
    [event] = await events_of(session, customer)
    assert event.action == "customer.unfreeze"
    assert event.partner_id == customer.partner_id
    assert event.principal_kind is PrincipalKind.PLATFORM
    assert event.before == {"status": "FROZEN"}
    assert event.after == {"status": "ACTIVE", "reason": "checks passed"}
    assert event.request_id


async def test_reason_is_optional_and_may_be_500_characters(client, session):
    # given
    token = await platform_token(session)
    without, longest = await frozen_customer(session), await frozen_customer(session)

    # when
    bodies = [
        await unfreeze(client, token, global_id("Customer", without.id)),
        await unfreeze(client, token, global_id("Customer", longest.id), "r" * 500),
    ]

    # then
    assert [b["data"]["unfreezeCustomer"]["userErrors"] for b in bodies] == [[], []]
    [first] = await events_of(session, without)
    [second] = await events_of(session, longest)
    assert first.after == {"status": "ACTIVE", "reason": ""}
    assert second.after == {"status": "ACTIVE", "reason": "r" * 500}


async def test_an_unfrozen_customer_can_be_frozen_again(client, session):
    # given
    customer = await frozen_customer(session)
    token = await platform_token(session)
    cid = global_id("Customer", customer.id)

    # when
    thawed = await unfreeze(client, token, cid)
    refrozen = await freeze(client, token, cid)

    # then
    assert thawed["data"]["unfreezeCustomer"]["customer"] == {"id": cid, "status": "ACTIVE"}
    assert refrozen["data"]["freezeCustomer"] == {
        "customer": {"id": cid, "status": "FROZEN"},
        "userErrors": [],
    }
    assert [e.action for e in await events_of(session, customer)] == [
        "customer.unfreeze",
        "customer.freeze",
    ]


# --- userErrors -----------------------------------------------------------------------------


async def test_unfreezing_an_active_customer_is_invalid_state(client, session):
    # given
    customer = await make_customer(session, await make_partner(session))

    # when
    body = await unfreeze(client, await platform_token(session), global_id("Customer", customer.id))

    # then
    assert body["data"]["unfreezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {
                "code": "INVALID_STATE",
                "field": ["input", "id"],
                "message": "The customer is already ACTIVE.",
            }
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.ACTIVE
    assert await events_of(session, customer) == []


async def test_unfreezing_an_ended_association_is_invalid_state(client, session):
    # given: a former customer, still marked FROZEN from before its association ended
    customer = await frozen_customer(
        session, associated_at=NOW - timedelta(days=400), ended_at=NOW - timedelta(days=10)
    )

    # when
    body = await unfreeze(client, await platform_token(session), global_id("Customer", customer.id))

    # then
    assert body["data"]["unfreezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {
                "code": "INVALID_STATE",
                "field": ["input", "id"],
                "message": "The association has ended.",
            }
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.FROZEN
    assert await events_of(session, customer) == []


@pytest.mark.parametrize("which", ["missing", "another type", "malformed"])
async def test_an_id_that_names_no_customer_is_not_found(client, session, which):
    # given: a frozen customer that must stay as it is
    customer = await frozen_customer(session)
    resource = await make_resource(session, customer)
    bad_id = {
        "missing": global_id("Customer", 10**12),
        "another type": global_id("Resource", resource.id),
        "malformed": "not-a-global-id",
    }[which]

    # when
    body = await unfreeze(client, await platform_token(session), bad_id)

    # then
    assert body["data"]["unfreezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {"code": "NOT_FOUND", "field": ["input", "id"], "message": "No such customer."}
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.FROZEN


async def test_a_reason_over_500_characters_is_invalid_input(client, session):
    # given
    customer = await frozen_customer(session)

    # when
    body = await unfreeze(
        client, await platform_token(session), global_id("Customer", customer.id), "r" * 501
    )

    # then
    assert body["data"]["unfreezeCustomer"] == {
        "customer": None,
        "userErrors": [
            {
                "code": "INVALID_INPUT",
                "field": ["input", "reason"],
                "message": "A reason has at most 500 characters.",
            }
        ],
    }
    assert await status_of(session, customer) is CustomerStatus.FROZEN
    assert await events_of(session, customer) == []


# --- who may unfreeze: the platform only (a role failure is FORBIDDEN, not a userError) --------


@pytest.mark.parametrize("principal", [*(r.value for r in Role), "CUSTOMER"])
async def test_only_the_platform_may_unfreeze(client, session, principal):
    # given
    partner = await make_partner(session)
    customer = await make_customer(session, partner, status=CustomerStatus.FROZEN)
    if principal == "CUSTOMER":
        token = await customer_token(session, customer)
    else:
        token = await token_for(session, await make_user(session, partner, Role(principal)))

    # when
    body = await unfreeze(client, token, global_id("Customer", customer.id))

    # then
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["unfreezeCustomer"]
    assert await status_of(session, customer) is CustomerStatus.FROZEN
    assert await events_of(session, customer) == []


async def test_forbidden_comes_before_not_found_and_invalid_input(client, session):
    # given: an admin naming no customer, with a reason too long
    admin = await make_user(session, await make_partner(session), Role.ADMIN)

    # when
    body = await unfreeze(
        client, await token_for(session, admin), global_id("Customer", 10**12), "r" * 501
    )

    # then
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
