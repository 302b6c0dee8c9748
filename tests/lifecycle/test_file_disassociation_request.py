"""`fileDisassociationRequest`: a customer asks to leave its partner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.models import AuditEvent
from app.models.customers.enums import CustomerStatus
from app.models.lifecycle.enums import DisassociationRequestStatus
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    platform_token,
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
