"""Customer-initiated disassociation: file, approve, reject, and auto-approval by the job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Customer, DisassociationRequest, Notification
from app.models.customers.enums import CustomerStatus
from app.models.lifecycle.enums import DisassociationRequestStatus, NotificationChannel
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import make_change_request, make_disassociation_request

FILE = """
mutation File($input: FileDisassociationRequestInput!) {
  fileDisassociationRequest(input: $input) {
    request { id status reason filedAt autoApproveAt customer { id } }
    userErrors { code field message }
  }
}
"""
APPROVE = """
mutation Approve($id: ID!) {
  approveDisassociationRequest(input: {id: $id}) {
    request { id status autoApproved answeredAt customer { id endedAt } }
    userErrors { code field message }
  }
}
"""
REJECT = """
mutation Reject($id: ID!, $reason: String!) {
  rejectDisassociationRequest(input: {id: $id, reason: $reason}) {
    request { id status rejectionReason }
    userErrors { code field message }
  }
}
"""
LIST = """
query List($filter: DisassociationRequestFilter) {
  disassociationRequests(first: 10, filter: $filter) { nodes { id status blockedBy } }
}
"""


def rid(request) -> str:
    return global_id("DisassociationRequest", request.id)


@pytest.fixture
async def partner(session):
    return await make_partner(session)


@pytest.fixture
async def admin(session, partner):
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


async def file(client, token, customer, reason="too expensive"):
    body = await gql(
        client,
        FILE,
        {"input": {"customerId": global_id("Customer", customer.id), "reason": reason}},
        token=token,
    )
    return body["data"]["fileDisassociationRequest"] if body.get("data") else body


async def test_the_customer_files_a_request(client, session, partner, frozen_clock):
    customer = await make_customer(session, partner)

    payload = await file(client, await customer_token(session, customer), customer)

    assert payload["userErrors"] == []
    assert payload["request"]["status"] == "PENDING"
    assert payload["request"]["autoApproveAt"] == iso(frozen_clock.now() + timedelta(days=15))
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "disassociation_request.file")
    )
    assert event.partner_id == partner.id


async def test_filing_is_allowed_even_when_preconditions_do_not_hold(client, session, partner):
    # they are checked when the request would take effect
    customer = await make_customer(session, partner, status=CustomerStatus.FROZEN)

    payload = await file(client, await customer_token(session, customer), customer)

    assert payload["userErrors"] == []


async def test_one_request_per_three_months_across_the_boundary(
    client, session, partner, frozen_clock
):
    customer = await make_customer(session, partner)
    filed = datetime(2026, 8, 31, 4, tzinfo=UTC)  # + 3 calendar months = 30 Nov (clamped)
    await make_disassociation_request(
        session, customer, status=DisassociationRequestStatus.REJECTED, filed_at=filed
    )
    token = await customer_token(session, customer)

    frozen_clock.set(datetime(2026, 11, 30, 3, 59, 59, tzinfo=UTC))
    too_soon = await file(client, token, customer)
    frozen_clock.set(datetime(2026, 11, 30, 4, tzinfo=UTC))
    allowed = await file(client, token, customer)

    assert [e["code"] for e in too_soon["userErrors"]] == ["DISASSOCIATION_REQUEST_TOO_SOON"]
    assert allowed["userErrors"] == []


async def test_a_pending_partner_request_blocks_filing(client, session, partner):
    customer = await make_customer(session, partner)
    await make_change_request(session, customer)

    payload = await file(client, await customer_token(session, customer), customer)

    assert [e["code"] for e in payload["userErrors"]] == ["CHANGE_ALREADY_PENDING"]


async def test_only_the_customer_files_for_its_own_association(client, session, partner, admin):
    customer = await make_customer(session, partner)
    stranger = await make_customer(session, await make_partner(session))

    by_admin = await file(client, admin, customer)
    by_platform = await file(client, await platform_token(session), customer)
    by_stranger = await file(client, await customer_token(session, stranger), customer)

    assert by_admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_platform["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_stranger["userErrors"][0]["code"] == "NOT_FOUND"


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
    stored = await session.get(DisassociationRequest, request.id, populate_existing=True)
    assert stored.status is DisassociationRequestStatus.PENDING


async def test_admin_rejects_with_a_reason(client, session, partner, admin):
    customer = await make_customer(session, partner)
    request = await make_disassociation_request(session, customer)

    missing = await gql(client, REJECT, {"id": rid(request), "reason": ""}, token=admin)
    body = await gql(client, REJECT, {"id": rid(request), "reason": "contract"}, token=admin)
    again = await gql(client, APPROVE, {"id": rid(request)}, token=admin)

    assert missing["data"]["rejectDisassociationRequest"]["userErrors"][0]["field"] == [
        "input",
        "reason",
    ]
    assert body["data"]["rejectDisassociationRequest"]["request"]["status"] == "REJECTED"
    assert again["data"]["approveDisassociationRequest"]["userErrors"][0]["code"] == (
        "INVALID_STATE"
    )


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
    approved = await session.get(DisassociationRequest, clear_request.id, populate_existing=True)
    assert approved.status is DisassociationRequestStatus.APPROVED and approved.auto_approved
    assert (await session.get(Customer, clear.id, populate_existing=True)).ended_at is not None
    held = await session.get(DisassociationRequest, blocked_request.id, populate_existing=True)
    assert held.status is DisassociationRequestStatus.PENDING
    assert held.blocked_by == ["CUSTOMER_FROZEN"]
    untouched = await session.get(DisassociationRequest, early_request.id, populate_existing=True)
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
