"""`rejectInvoice`: the platform refuses a REQUESTED invoice with a reason; its money is
requestable again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.models.invoices.enums import InvoiceStatus
from tests.factories import global_id, gql
from tests.invoices.helpers import World, audit_events, errors, forbidden, payload
from tests.invoices.money import REJECT, billed, iid, invoice_in, invoice_row, requestable, state

NAME = "rejectInvoice"


async def reject(
    client, world: World, invoice_id: int | str, reason: str = "抬头与营业执照不一致",
    role: str = "PLATFORM",
) -> dict[str, Any]:  # fmt: skip
    gid = iid(invoice_id) if isinstance(invoice_id, int) else invoice_id
    variables = {"input": {"invoiceId": gid, "reason": reason}}
    return await gql(client, REJECT, variables, token=world.tokens[role])


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


async def test_a_reason_of_500_characters_is_accepted(client, session, world):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)

    body = await reject(client, world, invoice_id, "因" * 500)

    assert payload(body, NAME)["invoice"]["rejectReason"] == "因" * 500


@pytest.mark.parametrize("reason", ["", "   ", "因" * 501])
async def test_a_missing_or_too_long_reason_is_refused(client, session, world, reason):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    unchanged = await state(session, world.partner)

    # when
    body = await reject(client, world, invoice_id, reason)

    # then
    assert payload(body, NAME)["invoice"] is None
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "reason"])]
    assert await state(session, world.partner) == unchanged
    assert (await invoice_row(session, world.partner, invoice_id)).reject_reason == ""
    assert await requestable(session, world.partner) == Decimal("200.00")
    assert await audit_events(session, "invoice.reject") == []


@pytest.mark.parametrize("status", [s for s in InvoiceStatus if s is not InvoiceStatus.REQUESTED])
async def test_only_a_requested_invoice_is_rejected(client, session, world, status):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, status)
    unchanged = await state(session, world.partner)
    covered = await requestable(session, world.partner)

    # when
    body = await reject(client, world, invoice_id)

    # then
    result = payload(body, NAME)
    assert result["invoice"] is None
    assert errors(body, NAME) == [("INVALID_STATE", ["input", "invoiceId"])]
    assert status.value in result["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged
    assert await requestable(session, world.partner) == covered
    kept = "抬头有误" if status is InvoiceStatus.REJECTED else ""
    assert (await invoice_row(session, world.partner, invoice_id)).reject_reason == kept


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


@pytest.mark.parametrize("which", ["missing", "malformed", "profile id"])
async def test_an_unknown_invoice_is_not_found(client, session, world, which):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    unchanged = await state(session, world.partner)
    gid = {
        "missing": iid(invoice_id + 1000),
        "malformed": "not-an-id",
        "profile id": global_id("InvoiceProfile", profile.id),
    }[which]

    body = await reject(client, world, gid)

    assert errors(body, NAME) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await state(session, world.partner) == unchanged


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "SALES", "VIEWER", "CUSTOMER"])
async def test_partner_roles_and_customers_are_forbidden(client, session, world, role):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    unchanged = await state(session, world.partner)

    body = await reject(client, world, invoice_id, role=role)

    assert forbidden(body)
    assert await state(session, world.partner) == unchanged
    assert await requestable(session, world.partner) == Decimal("200.00")
