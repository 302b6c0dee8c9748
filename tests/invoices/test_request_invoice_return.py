"""`requestInvoiceReturn` (退票): ADMIN and FINANCE ask to return an ISSUED invoice, with a
reason; it covers its money until the platform confirms."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests.factories import global_id, gql
from tests.funds.helpers import platform
from tests.invoices.helpers import World, audit_events, errors, forbidden, make_profile, payload
from tests.invoices.money import (
    DAY,
    RETURN,
    TODAY,
    billed,
    consume,
    iid,
    invoice_in,
    invoice_row,
    issue,
    request,
    requestable,
    spender,
    state,
)

NAME = "requestInvoiceReturn"


async def ask(
    client, world: World, invoice_id: int | str, reason: str = "发票抬头有误, 申请退票",
    token: str | None = None, role: str = "FINANCE",
) -> dict[str, Any]:  # fmt: skip
    gid = iid(invoice_id) if isinstance(invoice_id, int) else invoice_id
    variables = {"input": {"invoiceId": gid, "reason": reason}}
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


async def test_a_reason_of_500_characters_is_accepted(client, session, world):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)

    body = await ask(client, world, invoice_id, "退" * 500)

    assert payload(body, NAME)["invoice"]["returnReason"] == "退" * 500


@pytest.mark.parametrize("reason", ["", "   ", "退" * 501])
async def test_a_missing_or_too_long_reason_is_refused(client, session, world, reason):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)
    unchanged = await state(session, world.partner)

    # when
    body = await ask(client, world, invoice_id, reason)

    # then
    assert payload(body, NAME)["invoice"] is None
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "reason"])]
    assert await state(session, world.partner) == unchanged
    assert (await invoice_row(session, world.partner, invoice_id)).return_reason == ""
    assert await audit_events(session, "invoice.request_return") == []


@pytest.mark.parametrize("status", [s for s in InvoiceStatus if s is not InvoiceStatus.ISSUED])
async def test_only_an_issued_invoice_is_asked_back(client, session, world, status):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, status)
    unchanged = await state(session, world.partner)
    audited = len(await audit_events(session, "invoice.request_return"))

    # when
    body = await ask(client, world, invoice_id, "again")

    # then
    result = payload(body, NAME)
    assert result["invoice"] is None
    assert errors(body, NAME) == [("INVALID_STATE", ["input", "invoiceId"])]
    assert status.value in result["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged
    asked = status in (InvoiceStatus.RETURN_REQUESTED, InvoiceStatus.RETURNED)
    kept = "金额有误" if asked else ""
    assert (await invoice_row(session, world.partner, invoice_id)).return_reason == kept
    assert len(await audit_events(session, "invoice.request_return")) == audited


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


async def test_another_partners_invoice_is_not_found(client, session, world):
    # given the partner's issued invoice, and the other partner's ADMIN
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)
    unchanged = await state(session, world.partner)

    # when the other partner asks to return it
    body = await ask(client, world, invoice_id, token=world.other_token)

    # then it is not theirs to see
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await state(session, world.partner) == unchanged
    assert await audit_events(session, "invoice.request_return") == []


async def test_the_other_partners_own_invoice_is_theirs(client, session, world):
    # the same call by the other partner on its own issued invoice goes through
    other_admin = world.other_admin
    who = await spender(session, world.other, other_admin)
    await consume(session, who, "50.00", DAY)
    theirs = await request(
        session, other_admin, (await make_profile(session, other_admin)).id, amount="50.00"
    )
    await issue(session, theirs, "04400300", TODAY)

    body = await ask(client, world, theirs, token=world.other_token)

    assert payload(body, NAME)["invoice"]["status"] == "RETURN_REQUESTED"


@pytest.mark.parametrize("which", ["missing", "malformed", "profile id"])
async def test_an_unknown_invoice_is_not_found(client, session, world, which):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)
    unchanged = await state(session, world.partner)
    gid = {
        "missing": iid(invoice_id + 1000),
        "malformed": "not-an-id",
        "profile id": global_id("InvoiceProfile", profile.id),
    }[which]

    body = await ask(client, world, gid)

    assert errors(body, NAME) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await state(session, world.partner) == unchanged


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_roles_are_forbidden(client, session, world, role):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.ISSUED)
    unchanged = await state(session, world.partner)

    body = await ask(client, world, invoice_id, role=role)

    assert forbidden(body)
    assert await state(session, world.partner) == unchanged
    assert await audit_events(session, "invoice.request_return") == []
