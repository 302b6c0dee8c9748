"""`requestDisassociation`: preconditions, intervals, who may ask (some also cover the switch)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import AssociationChangeRequest, AuditEvent
from app.models.customers.enums import AssociationType, CustomerStatus, ResourceStatus
from app.models.lifecycle.enums import AssociationChangeStatus
from app.models.partners.enums import Role
from app.services.core.errors import DomainError, ErrorCode
from app.services.lifecycle import association_rules
from app.services.lifecycle.association_rules import AssociationChange, register_blocker
from tests.factories import (
    customer_token,
    gql,
    iso,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.association_change_helpers import BOUNDARY, STARTED, cid, codes, switch
from tests.lifecycle.factories import make_change_request

DISASSOCIATE = """
mutation Disassociate($input: RequestDisassociationInput!) {
  requestDisassociation(input: $input) {
    request { id kind status fromType toType reason requestedAt expiresAt customer { id } }
    userErrors { code field message }
  }
}
"""


async def disassociate(client, token, customer, **extra):
    body = await gql(
        client, DISASSOCIATE, {"input": {"customerId": cid(customer), **extra}}, token=token
    )
    return body["data"]["requestDisassociation"] if body.get("data") else body


async def test_admin_requests_a_disassociation(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)

    payload = await disassociate(client, admin, customer, reason="contract ended")

    assert payload["userErrors"] == []
    request = payload["request"]
    assert request["kind"] == "DISASSOCIATION"
    assert request["status"] == "PENDING"
    assert request["fromType"] == "RESELLER" and request["toType"] is None
    assert request["expiresAt"] == iso(frozen_clock.now() + timedelta(days=15))
    assert request["customer"] == {"id": cid(customer)}
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "association_change.request")
    )
    assert event.after["customer_id"] == customer.id


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SALES, Role.FINANCE])
async def test_only_admin_may_disassociate_or_switch(client, session, partner, role):
    customer = await make_customer(session, partner)
    token = await token_for(session, await make_user(session, partner, role))
    if role is Role.SALES:
        customer.account_manager_id = (await make_user(session, partner, Role.SALES)).id

    for body in (
        await disassociate(client, token, customer),
        await switch(client, token, customer),
    ):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await session.scalar(select(AssociationChangeRequest.id))) is None


async def test_customers_and_platform_cannot_request(client, session, partner):
    customer = await make_customer(session, partner)
    for token in (await customer_token(session, customer), await platform_token(session)):
        body = await disassociate(client, token, customer)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_partners_customer_is_not_found(client, session, admin):
    other = await make_partner(session)
    foreign = await make_customer(session, other)

    for payload in (
        await disassociate(client, admin, foreign),
        await switch(client, admin, foreign),
    ):
        assert payload["userErrors"] == [
            {"code": "NOT_FOUND", "field": ["input", "customerId"], "message": "No such customer."}
        ]


async def test_a_former_customer_cannot_be_disassociated_again(
    client, session, partner, admin, frozen_clock
):
    customer = await make_customer(session, partner, ended_at=frozen_clock.now())

    payload = await disassociate(client, admin, customer)

    assert codes(payload) == ["INVALID_STATE"]


async def test_a_frozen_customer(client, session, partner, admin):
    customer = await make_customer(session, partner, status=CustomerStatus.FROZEN)

    assert codes(await disassociate(client, admin, customer)) == ["CUSTOMER_FROZEN"]
    assert codes(await switch(client, admin, customer)) == ["CUSTOMER_FROZEN"]


@pytest.mark.parametrize("flag", ["is_reserved_instance", "is_support_plan"])
async def test_valid_reserved_instances_and_support_plans_block(
    client, session, partner, admin, frozen_clock, flag
):
    customer = await make_customer(session, partner)
    await make_resource(session, customer, **{flag: True})

    assert codes(await disassociate(client, admin, customer)) == ["VALID_RESERVED_RESOURCES"]


async def test_ended_reserved_resources_do_not_block(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)
    await make_resource(session, customer, is_reserved_instance=True, expires_at=frozen_clock.now())
    await make_resource(session, customer, is_support_plan=True, status=ResourceStatus.DELETED)
    await make_resource(session, customer)  # an ordinary resource

    assert codes(await disassociate(client, admin, customer)) == []


async def test_every_unmet_precondition_is_reported(client, session, partner, admin):
    customer = await make_customer(session, partner, status=CustomerStatus.FROZEN)
    await make_resource(session, customer, is_reserved_instance=True)
    await make_change_request(session, customer)

    payload = await disassociate(client, admin, customer)

    assert sorted(codes(payload)) == [
        "CHANGE_ALREADY_PENDING",
        "CHANGE_TOO_SOON",
        "CUSTOMER_FROZEN",
        "VALID_RESERVED_RESOURCES",
    ]
    assert all(e["field"] is None for e in payload["userErrors"])


@pytest.mark.parametrize(
    "status",
    [
        AssociationChangeStatus.DECLINED,
        AssociationChangeStatus.EXPIRED,
        AssociationChangeStatus.CONFIRMED,
    ],
)
async def test_one_partner_request_per_customer_in_three_months(
    client, session, partner, admin, frozen_clock, status
):
    # given a switch request started on 31 Mar, whatever became of it
    customer = await make_customer(session, partner, associated_at=STARTED - timedelta(days=400))
    await make_change_request(
        session,
        customer,
        status=status,
        requested_at=STARTED,
        kind=association_rules.AssociationChangeKind.TYPE_SWITCH,
        to_type=AssociationType.REFERRAL,
    )

    # when / then: one second before the boundary it is too soon, at the boundary it is allowed
    frozen_clock.set(BOUNDARY - timedelta(seconds=1))
    assert codes(await disassociate(client, admin, customer)) == ["CHANGE_TOO_SOON"]
    frozen_clock.set(BOUNDARY)
    assert codes(await disassociate(client, admin, customer)) == []


async def test_the_interval_is_a_setting(
    client, session, partner, admin, frozen_clock, settings, monkeypatch
):
    monkeypatch.setattr(settings, "association_change_interval_months", 1)
    customer = await make_customer(session, partner)
    await make_change_request(
        session, customer, status=AssociationChangeStatus.DECLINED, requested_at=STARTED
    )

    frozen_clock.set(datetime(2026, 4, 30, 4, 0, tzinfo=UTC))

    assert codes(await disassociate(client, admin, customer)) == []


@pytest.fixture
def arrears_blocker() -> Iterator[list[AssociationChange]]:
    seen: list[AssociationChange] = []

    async def no_arrears(ctx, customer, change):
        seen.append(change)
        if "arrears" in customer.labels:
            return [DomainError(ErrorCode.INVALID_STATE, "The customer is in arrears.")]
        return []

    register_blocker(no_arrears)
    yield seen
    association_rules.BLOCKERS.remove(no_arrears)


async def test_registered_blockers_take_part(client, session, partner, admin, arrears_blocker):
    owing = await make_customer(session, partner, labels=["arrears"])
    fine = await make_customer(session, partner)

    refused = await disassociate(client, admin, owing)
    accepted = await switch(client, admin, fine)

    assert codes(refused) == ["INVALID_STATE"]
    assert refused["userErrors"][0]["message"] == "The customer is in arrears."
    assert codes(accepted) == []
    assert [
        (c.kind.value, c.initiator.value, c.stage.value, c.to_type) for c in arrears_blocker
    ] == [
        ("DISASSOCIATION", "PARTNER", "REQUEST", None),
        ("TYPE_SWITCH", "PARTNER", "REQUEST", AssociationType.REFERRAL),
    ]
