"""`refuseInvoiceReturn`: the platform refuses a return with a reason; the invoice is ISSUED
again and still covers its money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.models.invoices.enums import InvoiceStatus
from tests.factories import global_id, gql
from tests.invoices.helpers import World, audit_events, errors, forbidden, payload
from tests.invoices.money import REFUSE, billed, iid, invoice_in, invoice_row, requestable, state

NAME = "refuseInvoiceReturn"


async def refuse(
    client, world: World, invoice_id: int | str, reason: str = "该发票已认证抵扣, 无法退票",
    role: str = "PLATFORM",
) -> dict[str, Any]:  # fmt: skip
    gid = iid(invoice_id) if isinstance(invoice_id, int) else invoice_id
    variables = {"input": {"invoiceId": gid, "reason": reason}}
    return await gql(client, REFUSE, variables, token=world.tokens[role])


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


async def test_a_reason_of_500_characters_is_accepted(client, session, world):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)

    body = await refuse(client, world, invoice_id, "拒" * 500)

    assert payload(body, NAME)["invoice"]["returnRefusalReason"] == "拒" * 500


@pytest.mark.parametrize("reason", ["", "   ", "拒" * 501])
async def test_a_missing_or_too_long_reason_is_refused(client, session, world, reason):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)
    unchanged = await state(session, world.partner)

    # when
    body = await refuse(client, world, invoice_id, reason)

    # then
    assert payload(body, NAME)["invoice"] is None
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "reason"])]
    assert await state(session, world.partner) == unchanged
    row = await invoice_row(session, world.partner, invoice_id)
    assert (row.status, row.return_refusal_reason) == (InvoiceStatus.RETURN_REQUESTED, "")
    assert await audit_events(session, "invoice.refuse_return") == []


@pytest.mark.parametrize(
    "status", [s for s in InvoiceStatus if s is not InvoiceStatus.RETURN_REQUESTED]
)
async def test_only_a_return_asked_for_is_refused(client, session, world, status):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, status)
    unchanged = await state(session, world.partner)
    covered = await requestable(session, world.partner)

    # when
    body = await refuse(client, world, invoice_id)

    # then
    result = payload(body, NAME)
    assert result["invoice"] is None
    assert errors(body, NAME) == [("INVALID_STATE", ["input", "invoiceId"])]
    assert status.value in result["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged
    assert await requestable(session, world.partner) == covered
    assert (await invoice_row(session, world.partner, invoice_id)).return_refusal_reason == ""
    assert await audit_events(session, "invoice.refuse_return") == []


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


@pytest.mark.parametrize("which", ["missing", "malformed", "profile id"])
async def test_an_unknown_invoice_is_not_found(client, session, world, which):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)
    unchanged = await state(session, world.partner)
    gid = {
        "missing": iid(invoice_id + 1000),
        "malformed": "not-an-id",
        "profile id": global_id("InvoiceProfile", profile.id),
    }[which]

    body = await refuse(client, world, gid)

    assert errors(body, NAME) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await state(session, world.partner) == unchanged


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "SALES", "VIEWER", "CUSTOMER"])
async def test_partner_roles_and_customers_are_forbidden(client, session, world, role):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.RETURN_REQUESTED)
    unchanged = await state(session, world.partner)

    body = await refuse(client, world, invoice_id, role=role)

    assert forbidden(body)
    assert await state(session, world.partner) == unchanged
    assert (await invoice_row(session, world.partner, invoice_id)).return_refusal_reason == ""
