"""`approveDisassociationRequest`: the admin (or the job) approves and the association ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Customer, DisassociationRequest, Notification
from app.models.customers.enums import CustomerStatus
from app.models.lifecycle.enums import DisassociationRequestStatus, NotificationChannel
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from tests.factories import (
    gql,
    iso,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)
from tests.lifecycle.disassociation_request_helpers import APPROVE, REJECT, rid
from tests.lifecycle.factories import make_disassociation_request
from tests.rows import reread

LIST = """
query List($filter: DisassociationRequestFilter) {
  disassociationRequests(first: 10, filter: $filter) { nodes { id status blockedBy } }
}
"""


async def test_admin_approves_and_the_association_ends(
    client, session, partner, admin, frozen_clock
):
    customer = await make_customer(session, partner)
    request = await make_disassociation_request(session, customer)

    body = await gql(client, APPROVE, {"id": rid(request)}, token=admin)

    approved = body["data"]["approveDisassociationRequest"]["request"]
    assert approved["status"] == "APPROVED"
    assert approved["autoApproved"] is False
    assert approved["customer"]["endedAt"] == iso(frozen_clock.now())


async def test_approval_needs_the_preconditions(client, session, partner, admin):
    customer = await make_customer(session, partner)
    await make_resource(session, customer, is_support_plan=True)
    request = await make_disassociation_request(session, customer)

    body = await gql(client, APPROVE, {"id": rid(request)}, token=admin)

    errors = body["data"]["approveDisassociationRequest"]["userErrors"]
    assert [e["code"] for e in errors] == ["VALID_RESERVED_RESOURCES"]
    stored = await reread(session, DisassociationRequest, request.id)
    assert stored.status is DisassociationRequestStatus.PENDING


@pytest.mark.parametrize("role", [Role.SALES, Role.FINANCE, Role.VIEWER])
async def test_only_admin_answers(client, session, partner, role):
    customer = await make_customer(session, partner)
    request = await make_disassociation_request(session, customer)
    token = await token_for(session, await make_user(session, partner, role))

    approve = await gql(client, APPROVE, {"id": rid(request)}, token=token)
    reject = await gql(client, REJECT, {"id": rid(request), "reason": "x"}, token=token)

    assert approve["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert reject["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_partners_request_is_not_found(client, session, admin):
    theirs = await make_disassociation_request(
        session, await make_customer(session, await make_partner(session))
    )

    approve = await gql(client, APPROVE, {"id": rid(theirs)}, token=admin)
    listed = await gql(client, LIST, {}, token=admin)

    assert approve["data"]["approveDisassociationRequest"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert listed["data"]["disassociationRequests"]["nodes"] == []


async def test_the_job_auto_approves_unanswered_requests_whose_preconditions_hold(
    db, client, session, frozen_clock
):
    # given three pending requests: one due and clear, one due but blocked, one not yet due
    partner = await make_partner(session)
    clear = await make_customer(session, partner)
    blocked = await make_customer(session, partner, status=CustomerStatus.FROZEN)
    early = await make_customer(session, partner)
    due = frozen_clock.now() - timedelta(days=15)
    clear_request = await make_disassociation_request(session, clear, filed_at=due)
    blocked_request = await make_disassociation_request(session, blocked, filed_at=due)
    early_request = await make_disassociation_request(
        session, early, filed_at=frozen_clock.now() - timedelta(days=14)
    )
    await session.commit()

    # when the job runs twice
    first = {o.name: o for o in await run_due(db, force=True)}
    second = {o.name: o for o in await run_due(db, force=True)}

    # then
    assert first["disassociation_requests.auto_approve"].result == (
        "1 disassociation requests auto-approved, 1 blocked"
    )
    assert second["disassociation_requests.auto_approve"].result == (
        "0 disassociation requests auto-approved, 1 blocked"
    )
    approved = await reread(session, DisassociationRequest, clear_request.id)
    assert approved.status is DisassociationRequestStatus.APPROVED and approved.auto_approved
    assert (await reread(session, Customer, clear.id)).ended_at is not None
    held = await reread(session, DisassociationRequest, blocked_request.id)
    assert held.status is DisassociationRequestStatus.PENDING
    assert held.blocked_by == ["CUSTOMER_FROZEN"]
    untouched = await reread(session, DisassociationRequest, early_request.id)
    assert untouched.status is DisassociationRequestStatus.PENDING
    # the partner is notified once, not on every run
    notes = (
        await session.scalars(select(Notification).where(Notification.partner_id == partner.id))
    ).all()
    assert [(n.channel, n.template, n.payload["blockedBy"]) for n in notes] == [
        (NotificationChannel.CONSOLE, "customer_disassociation_blocked", ["CUSTOMER_FROZEN"])
    ]
    auto = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "disassociation_request.auto_approve")
    )
    assert auto.object_id == clear_request.id

    # and the partner sees why the blocked one is still open
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    listed = await gql(client, LIST, {"filter": {"statuses": ["PENDING"]}}, token=admin)
    assert {n["id"]: n["blockedBy"] for n in listed["data"]["disassociationRequests"]["nodes"]} == {
        rid(blocked_request): ["CUSTOMER_FROZEN"],
        rid(early_request): [],
    }
