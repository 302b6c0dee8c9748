"""`confirmInvoiceReturn`: the platform takes back an invoice whose return was asked for; its
amount, and exactly that, is invoiceable again in the cycles its lines name. The cases every
move shares (ids, roles, states) are in test_invoice_moves.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests.factories import gql
from tests.funds.helpers import acting_as
from tests.invoices.helpers import World, audit_events, make_profile, payload
from tests.invoices.money import (
    CONFIRM,
    INVOICEABLE,
    TODAY,
    billed,
    consume,
    iid,
    invoice_in,
    invoice_lines,
    invoice_row,
    issue,
    request,
    requestable,
    spender,
)

NAME = "confirmInvoiceReturn"


async def confirm(client, world: World, invoice_id: int) -> dict[str, Any]:
    variables = {"input": {"invoiceId": iid(invoice_id)}}
    return await gql(client, CONFIRM, variables, token=world.tokens["PLATFORM"])


def by_cycle(body: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    """Each cycle's (invoiced, returned, invoiceable)."""
    return {
        c["cycle"]: (c["invoiced"]["amount"], c["returned"]["amount"], c["invoiceable"]["amount"])
        for c in payload(body, "invoiceableAmount")["cycles"]
    }


async def test_a_return_makes_exactly_its_amount_invoiceable_again(client, session, world):
    # given 100.00 consumed in April and 200.00 in May, all invoiced by two issued invoices:
    # the first takes April and 50.00 of May, the second the rest of May
    finance = world.users[Role.FINANCE]
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, who, "100.00", date(2026, 4, 20))
    await consume(session, who, "200.00", date(2026, 5, 10))
    profile = await make_profile(session, finance)
    first = await request(session, finance, profile.id, amount="150.00")
    second = await request(session, finance, profile.id, amount="150.00")
    await issue(session, first, "04400301", TODAY)
    await issue(session, second, "04400302", TODAY)
    await transitions.request_invoice_return(acting_as(session, finance), first, "抬头有误")
    assert await requestable(session, world.partner) == Decimal("0.00")
    lines = await invoice_lines(session, world.partner)

    # when the platform confirms the first one's return
    body = await confirm(client, world, first)

    # then it is returned
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["status"] == "RETURNED"
    assert invoice["returnedAt"] == "2026-06-15T04:00:00Z" == invoice["updatedAt"]
    assert (invoice["invoiceNumber"], invoice["returnReason"]) == ("04400301", "抬头有误")
    assert (await invoice_row(session, world.partner, first)).status is InvoiceStatus.RETURNED
    # and exactly its 150.00 is invoiceable again, in April and May as its lines said
    assert await requestable(session, world.partner) == Decimal("150.00")
    window = await gql(client, INVOICEABLE, token=world.tokens["FINANCE"])
    assert by_cycle(window) == {
        "2026-04": ("0.00", "100.00", "100.00"),
        "2026-05": ("150.00", "50.00", "50.00"),
    }
    # its lines stay as they were
    assert await invoice_lines(session, world.partner) == lines
    # and it is audited
    [event] = await audit_events(session, "invoice.confirm_return")
    assert (event.partner_id, event.object_id) == (world.partner.id, first)
    assert (event.before["status"], event.after["status"]) == ("RETURN_REQUESTED", "RETURNED")


async def test_the_returned_money_can_be_requested_again(client, session, world):
    # given 300.00 invoiceable, a 100.00 invoice returned and the rest requested
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)
    await request(session, world.users[Role.FINANCE], profile.id, amount="200.00")
    assert await requestable(session, world.partner) == Decimal("0.00")
    assert payload(await confirm(client, world, invoice_id), NAME)["userErrors"] == []

    # when 100.00 is requested again
    again = await request(session, world.users[Role.FINANCE], profile.id, amount="100.00")

    # then it is taken, and nothing more is left
    assert (await invoice_row(session, world.partner, again)).amount == Decimal("100.00")
    assert await requestable(session, world.partner) == Decimal("0.00")
