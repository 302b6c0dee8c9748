"""`cancelInvoiceRequest`: ADMIN and FINANCE withdraw a REQUESTED invoice (its money is
requestable again); any other state is INVALID_STATE, another partner's invoice NOT_FOUND,
and a refused call changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests.factories import global_id, gql
from tests.funds.helpers import acting_as, platform
from tests.invoices.helpers import audit_events, errors, forbidden, make_profile, payload
from tests.invoices.money import (
    CANCEL,
    consume,
    iid,
    invoice_row,
    issue,
    request,
    requestable,
    spender,
    state,
)

NAME = "cancelInvoiceRequest"


async def cancel(client, token, invoice_id: str):
    return await gql(client, CANCEL, {"input": {"invoiceId": invoice_id}}, token=token)


@pytest.fixture
async def requested(session, world):
    """A REQUESTED invoice of 30.00 (all of April, 10.00 of May), 20.00 left requestable."""
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, who, "25.00", date(2026, 4, 3))
    await consume(session, who, "25.00", date(2026, 5, 3))
    profile = await make_profile(session, world.users[Role.ADMIN])
    return await request(session, world.users[Role.FINANCE], profile.id, amount="30.00")


async def in_state(session, world, invoice_id: int, status: InvoiceStatus) -> None:
    """Move the REQUESTED invoice `invoice_id` to `status` through the services."""
    finance = acting_as(session, world.users[Role.FINANCE])
    vendor = platform(session)
    today = date(2026, 6, 15)
    if status is InvoiceStatus.CANCELLED:
        await transitions.cancel_invoice_request(finance, invoice_id)
    elif status is InvoiceStatus.REJECTED:
        await transitions.reject_invoice(vendor, invoice_id, "抬头有误")
    elif status is not InvoiceStatus.REQUESTED:
        await issue(session, invoice_id, "04400001", today)
        if status is not InvoiceStatus.ISSUED:
            await transitions.request_invoice_return(finance, invoice_id, "金额有误")
        if status is InvoiceStatus.RETURNED:
            await transitions.confirm_invoice_return(vendor, invoice_id)
    assert (await invoice_row(session, world.partner, invoice_id)).status is status


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE"])
async def test_a_request_is_cancelled_and_its_money_is_requestable_again(
    client, session, world, requested, frozen_clock, role
):
    # given
    assert await requestable(session, world.partner) == Decimal("20.00")
    frozen_clock.advance(timedelta(hours=2))

    # when
    body = await cancel(client, world.tokens[role], iid(requested))

    # then
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["id"] == iid(requested)
    assert invoice["status"] == "CANCELLED"
    assert invoice["cancelledAt"] == invoice["updatedAt"] == "2026-06-15T06:00:00Z"
    assert invoice["requestedAt"] == "2026-06-15T04:00:00Z"
    # its lines still say what it asked for, but cover nothing any more
    assert [(x["cycle"], x["amount"]["amount"]) for x in invoice["lines"]] == [
        ("2026-04", "25.00"),
        ("2026-05", "5.00"),
    ]
    row = await invoice_row(session, world.partner, requested)
    assert row.status is InvoiceStatus.CANCELLED
    assert await requestable(session, world.partner) == Decimal("50.00")


async def test_the_cancelled_money_can_be_requested_again(client, session, world, requested):
    # given the request is cancelled
    await cancel(client, world.tokens["FINANCE"], iid(requested))
    profile = await make_profile(session, world.users[Role.ADMIN], title="另一个抬头")

    # when everything is requested
    invoice_id = await request(session, world.users[Role.FINANCE], profile.id, amount="50.00")

    # then the new request covers April and May in full
    row = await invoice_row(session, world.partner, invoice_id)
    assert row.amount == Decimal("50.00")
    assert await requestable(session, world.partner) == Decimal("0.00")


@pytest.mark.parametrize(
    "status",
    [
        InvoiceStatus.CANCELLED,
        InvoiceStatus.REJECTED,
        InvoiceStatus.ISSUED,
        InvoiceStatus.RETURN_REQUESTED,
        InvoiceStatus.RETURNED,
    ],
)
async def test_any_other_state_is_invalid(client, session, world, requested, status):
    # given the invoice is no longer REQUESTED
    await in_state(session, world, requested, status)
    before = await state(session, world.partner)
    left = await requestable(session, world.partner)
    events = len(await audit_events(session, "invoice.cancel"))

    # when it is cancelled
    body = await cancel(client, world.tokens["FINANCE"], iid(requested))

    # then the error names its state, and nothing changes
    result = payload(body, NAME)
    assert result["invoice"] is None
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_STATE", ["input", "invoiceId"])
    assert status.value in error["message"]
    assert await state(session, world.partner) == before
    assert await requestable(session, world.partner) == left
    assert len(await audit_events(session, "invoice.cancel")) == events


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_roles_are_forbidden(client, session, world, requested, role):
    before = await state(session, world.partner)

    body = await cancel(client, world.tokens[role], iid(requested))

    assert forbidden(body)
    assert await state(session, world.partner) == before
    assert await audit_events(session, "invoice.cancel") == []


async def test_another_partners_invoice_is_not_found(client, session, world, requested):
    before = await state(session, world.partner)

    body = await cancel(client, world.other_token, iid(requested))

    assert errors(body, NAME) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await state(session, world.partner) == before
    assert await audit_events(session, "invoice.cancel") == []


@pytest.mark.parametrize(
    "invoice_id",
    [iid(10_000), "not-an-id", global_id("InvoiceProfile", 1)],
    ids=["missing", "malformed", "another type"],
)
async def test_a_missing_invoice_is_not_found(client, session, world, requested, invoice_id):
    before = await state(session, world.partner)

    body = await cancel(client, world.tokens["FINANCE"], invoice_id)

    assert errors(body, NAME) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await state(session, world.partner) == before


async def test_the_cancellation_is_audited(client, session, world, requested):
    await cancel(client, world.tokens["ADMIN"], iid(requested))

    [event] = await audit_events(session, "invoice.cancel")

    assert (event.object_type, event.object_id) == ("Invoice", requested)
    assert event.partner_id == world.partner.id
    assert event.actor_user_id == world.users[Role.ADMIN].id
    assert event.before == {"status": "REQUESTED", "amount": "30.00", "invoiceNumber": None}
    assert event.after == {"status": "CANCELLED", "amount": "30.00", "invoiceNumber": None}
