"""`cancelInvoiceRequest`: ADMIN and FINANCE withdraw a REQUESTED invoice (its money is
requestable again). The cases every move shares (ids, roles, states, another partner's
invoice) are in test_invoice_moves.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from tests.factories import gql
from tests.invoices.helpers import audit_events, make_profile, payload
from tests.invoices.money import (
    CANCEL,
    consume,
    iid,
    invoice_row,
    request,
    requestable,
    spender,
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


async def test_the_cancellation_is_audited(client, session, world, requested):
    await cancel(client, world.tokens["ADMIN"], iid(requested))

    [event] = await audit_events(session, "invoice.cancel")

    assert (event.object_type, event.object_id) == ("Invoice", requested)
    assert event.partner_id == world.partner.id
    assert event.actor_user_id == world.users[Role.ADMIN].id
    assert event.before == {"status": "REQUESTED", "amount": "30.00", "invoiceNumber": None}
    assert event.after == {"status": "CANCELLED", "amount": "30.00", "invoiceNumber": None}
