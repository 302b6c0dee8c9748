"""`requestInvoiceReturn` (退票): ADMIN and FINANCE ask to return an ISSUED invoice, with a
reason; it covers its money until the platform confirms. The cases every move shares (ids,
roles, states, reasons, another partner's invoice) are in test_invoice_moves.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests.factories import gql
from tests.funds.helpers import platform
from tests.invoices.helpers import World, audit_events, payload
from tests.invoices.money import (
    RETURN,
    TODAY,
    billed,
    iid,
    invoice_in,
    invoice_row,
    issue,
    requestable,
    their_request,
)

NAME = "requestInvoiceReturn"


async def ask(
    client, world: World, invoice_id: int, reason: str = "发票抬头有误, 申请退票",
    token: str | None = None, role: str = "FINANCE",
) -> dict[str, Any]:  # fmt: skip
    variables = {"input": {"invoiceId": iid(invoice_id), "reason": reason}}
    return await gql(client, RETURN, variables, token=token or world.tokens[role])


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE"])
async def test_the_partner_asks_to_return_an_issued_invoice(client, session, world, role):
    # given an issued invoice of 100.00 out of 300.00
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)
    number = (await invoice_row(session, world.partner, invoice_id)).invoice_number

    # when
    body = await ask(client, world, invoice_id, "  退订后金额变化 ", role=role)

    # then it awaits the platform, with the trimmed reason
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["status"] == "RETURN_REQUESTED"
    assert invoice["returnReason"] == "退订后金额变化"
    assert invoice["returnRequestedAt"] == "2026-06-15T04:00:00Z" == invoice["updatedAt"]
    assert invoice["returnedAt"] is None and invoice["returnRefusalReason"] == ""
    assert invoice["invoiceNumber"] == number
    row = await invoice_row(session, world.partner, invoice_id)
    assert (row.status, row.return_reason) == (InvoiceStatus.RETURN_REQUESTED, "退订后金额变化")
    # and it still covers its money until the platform confirms
    assert await requestable(session, world.partner) == Decimal("200.00")
    # and it is audited
    [event] = await audit_events(session, "invoice.request_return")
    assert (event.partner_id, event.object_id) == (world.partner.id, invoice_id)
    assert event.actor_user_id == world.users[Role(role)].id
    assert (event.before["status"], event.after["status"]) == ("ISSUED", "RETURN_REQUESTED")


async def test_after_a_refusal_it_can_be_asked_again(client, session, world, frozen_clock):
    # given a return the platform refused
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)
    assert payload(await ask(client, world, invoice_id, "第一次"), NAME)["userErrors"] == []
    await transitions.refuse_invoice_return(platform(session), invoice_id, "已认证抵扣")
    refused = await invoice_row(session, world.partner, invoice_id)
    assert (refused.status, refused.return_refusal_reason) == (InvoiceStatus.ISSUED, "已认证抵扣")
    frozen_clock.advance(timedelta(days=1))

    # when the partner asks again
    body = await ask(client, world, invoice_id, "第二次")

    # then it awaits the platform again, with the new reason; the refusal is cleared
    invoice = payload(body, NAME)["invoice"]
    assert invoice["status"] == "RETURN_REQUESTED"
    assert invoice["returnReason"] == "第二次"
    assert invoice["returnRefusalReason"] == ""
    assert invoice["returnRequestedAt"] == "2026-06-16T04:00:00Z"
    assert len(await audit_events(session, "invoice.request_return")) == 2


async def test_the_other_partners_own_invoice_is_theirs(client, session, world):
    # the same call by the other partner on its own issued invoice goes through
    theirs = await their_request(session, world)
    await issue(session, theirs, "04400300", TODAY)

    body = await ask(client, world, theirs, token=world.other_token)

    assert payload(body, NAME)["invoice"]["status"] == "RETURN_REQUESTED"
