"""`refuseInvoiceReturn`: the platform refuses a return with a reason; the invoice is ISSUED
again and still covers its money. The cases every move shares (ids, roles, states, reasons)
are in test_invoice_moves.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.models.invoices.enums import InvoiceStatus
from tests.factories import gql
from tests.invoices.helpers import World, audit_events, errors, payload
from tests.invoices.money import REFUSE, billed, iid, invoice_in, invoice_row, requestable, state

NAME = "refuseInvoiceReturn"


async def refuse(client, world: World, invoice_id: int, reason: str) -> dict[str, Any]:
    variables = {"input": {"invoiceId": iid(invoice_id), "reason": reason}}
    return await gql(client, REFUSE, variables, token=world.tokens["PLATFORM"])


async def test_a_refused_return_leaves_the_invoice_issued(client, session, world):
    # given an issued invoice of 100.00 out of 300.00 the partner asked to return
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)
    asked = await invoice_row(session, world.partner, invoice_id)
    number, issue_date, issued_at = asked.invoice_number, asked.issue_date, asked.issued_at

    # when
    body = await refuse(client, world, invoice_id, "  已认证抵扣 ")

    # then it is ISSUED again, with the trimmed reason; the partner's reason stays
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["status"] == "ISSUED"
    assert invoice["returnRefusalReason"] == "已认证抵扣"
    assert invoice["returnReason"] == "金额有误"
    assert invoice["returnedAt"] is None
    assert invoice["updatedAt"] == "2026-06-15T04:00:00Z"
    row = await invoice_row(session, world.partner, invoice_id)
    assert (row.status, row.return_refusal_reason) == (InvoiceStatus.ISSUED, "已认证抵扣")
    assert (row.invoice_number, row.issue_date, row.issued_at) == (number, issue_date, issued_at)
    # and it still covers its money
    assert await requestable(session, world.partner) == Decimal("200.00")
    # and it is audited
    [event] = await audit_events(session, "invoice.refuse_return")
    assert (event.partner_id, event.object_id) == (world.partner.id, invoice_id)
    assert (event.before["status"], event.after["status"]) == ("RETURN_REQUESTED", "ISSUED")


async def test_a_refused_return_is_not_refused_twice(client, session, world):
    # given a return the platform refused: the invoice is ISSUED again
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)
    assert payload(await refuse(client, world, invoice_id, "first"), NAME)["userErrors"] == []
    unchanged = await state(session, world.partner)

    # when it is refused again
    body = await refuse(client, world, invoice_id, "second")

    # then the first refusal stands
    assert errors(body, NAME) == [("INVALID_STATE", ["input", "invoiceId"])]
    assert "ISSUED" in payload(body, NAME)["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged
    row = await invoice_row(session, world.partner, invoice_id)
    assert row.return_refusal_reason == "first"
