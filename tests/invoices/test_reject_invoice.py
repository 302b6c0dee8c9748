"""`rejectInvoice`: the platform refuses a REQUESTED invoice with a reason; its money is
requestable again. The cases every move shares (ids, roles, states, reasons) are in
test_invoice_moves.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.models.invoices.enums import InvoiceStatus
from tests.factories import gql
from tests.invoices.helpers import World, audit_events, errors, payload
from tests.invoices.money import REJECT, billed, iid, invoice_in, invoice_row, requestable, state

NAME = "rejectInvoice"


async def reject(client, world: World, invoice_id: int, reason: str) -> dict[str, Any]:
    variables = {"input": {"invoiceId": iid(invoice_id), "reason": reason}}
    return await gql(client, REJECT, variables, token=world.tokens["PLATFORM"])


async def test_the_platform_rejects_a_request_and_its_money_is_requestable_again(
    client, session, world
):
    # given 300.00 invoiceable, 100.00 of it requested
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    assert await requestable(session, world.partner) == Decimal("200.00")

    # when
    body = await reject(client, world, invoice_id, "  抬头与营业执照不一致 ")

    # then it is rejected with the trimmed reason
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["status"] == "REJECTED"
    assert invoice["rejectReason"] == "抬头与营业执照不一致"
    assert invoice["rejectedAt"] == "2026-06-15T04:00:00Z" == invoice["updatedAt"]
    assert invoice["invoiceNumber"] is None and invoice["issuedAt"] is None
    row = await invoice_row(session, world.partner, invoice_id)
    assert (row.status, row.reject_reason) == (InvoiceStatus.REJECTED, "抬头与营业执照不一致")
    # and it covers nothing any more: all 300.00 may be requested again
    assert await requestable(session, world.partner) == Decimal("300.00")
    # and it is audited
    [event] = await audit_events(session, "invoice.reject")
    assert (event.partner_id, event.object_id) == (world.partner.id, invoice_id)
    assert (event.before["status"], event.after["status"]) == ("REQUESTED", "REJECTED")


async def test_a_rejected_request_is_not_rejected_twice(client, session, world):
    # given a request the platform rejected
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    assert payload(await reject(client, world, invoice_id, "first"), NAME)["userErrors"] == []
    unchanged = await state(session, world.partner)

    # when it is rejected again
    body = await reject(client, world, invoice_id, "second")

    # then the first reason stands
    assert errors(body, NAME) == [("INVALID_STATE", ["input", "invoiceId"])]
    assert await state(session, world.partner) == unchanged
    assert (await invoice_row(session, world.partner, invoice_id)).reject_reason == "first"
    assert len(await audit_events(session, "invoice.reject")) == 1
