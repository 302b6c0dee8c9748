"""`issueInvoice`: the platform issues a REQUESTED invoice with its number and issue date; on
PostgreSQL, issues sent at the same moment (one number for several invoices, several numbers
for one invoice) are decided one after the other. The cases every move shares (ids, roles,
states) are in test_invoice_moves.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.models import Partner
from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests import committed_postgres
from tests.factories import gql, make_partner, make_user, platform_token
from tests.funds.helpers import acting_as, platform
from tests.invoices.helpers import World, audit_events, errors, make_profile, payload
from tests.invoices.money import (
    DAY,
    INVOICEABLE,
    ISSUE,
    TODAY,
    billed,
    consume,
    iid,
    invoice_in,
    invoice_row,
    issue,
    number,
    request,
    spender,
    state,
    their_request,
)

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races

NAME = "issueInvoice"


async def issue_call(
    client, world: World, invoice_id: int, invoice_number: str, day: date | str = TODAY
) -> dict[str, Any]:
    variables = {
        "input": {
            "invoiceId": iid(invoice_id),
            "invoiceNumber": invoice_number,
            "issueDate": str(day),
        }
    }
    return await gql(client, ISSUE, variables, token=world.tokens["PLATFORM"])


def amounts(body: dict[str, Any]) -> dict[str, str]:
    window = payload(body, "invoiceableAmount")
    return {k: window[k]["amount"] for k in ("requested", "invoiced", "invoiceable")}


@pytest.mark.parametrize(
    "given, stored",
    [
        ("04400300", "04400300"),
        ("24112000000000000123", "24112000000000000123"),
        ("  04400300 ", "04400300"),
    ],
)
async def test_the_platform_issues_a_requested_invoice(client, session, world, given, stored):
    # given a requested invoice of 100.00
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    before = await gql(client, INVOICEABLE, token=world.tokens["FINANCE"])
    assert amounts(before) == {"requested": "100.00", "invoiced": "0.00", "invoiceable": "200.00"}

    # when
    body = await issue_call(client, world, invoice_id, given)

    # then it is issued with the trimmed number and the date
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["status"] == "ISSUED"
    assert (invoice["invoiceNumber"], invoice["issueDate"]) == (stored, "2026-06-15")
    assert invoice["issuedAt"] == "2026-06-15T04:00:00Z"
    assert invoice["updatedAt"] == invoice["issuedAt"]
    row = await invoice_row(session, world.partner, invoice_id)
    assert (row.status, row.invoice_number, row.issue_date) == (
        InvoiceStatus.ISSUED,
        stored,
        TODAY,
    )
    # and its money moves from requested to invoiced; nothing more is invoiceable
    after = await gql(client, INVOICEABLE, token=world.tokens["FINANCE"])
    assert amounts(after) == {"requested": "0.00", "invoiced": "100.00", "invoiceable": "200.00"}
    # and it is audited
    [event] = await audit_events(session, "invoice.issue")
    assert (event.partner_id, event.object_id) == (world.partner.id, invoice_id)
    assert event.before["status"] == "REQUESTED" and event.before["invoiceNumber"] is None
    assert event.after["status"] == "ISSUED" and event.after["invoiceNumber"] == stored
    assert event.after["issueDate"] == "2026-06-15"


async def test_an_issue_date_before_today_on_the_requests_day_is_fine(
    client, session, world, frozen_clock
):
    # given a request made on 2026-06-11 in Shanghai (still 06-10 in UTC)
    profile = await billed(session, world)
    frozen_clock.set(datetime(2026, 6, 10, 17, 0, tzinfo=UTC))
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    frozen_clock.set(datetime(2026, 6, 15, 4, 0, tzinfo=UTC))
    unchanged = await state(session, world.partner)

    # when it is dated the UTC day of the request, the day before its business date
    early = await issue_call(client, world, invoice_id, number(), "2026-06-10")

    # then that is refused and nothing changes
    assert errors(early, NAME) == [("INVALID_INPUT", ["input", "issueDate"])]
    assert "before the request" in payload(early, NAME)["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged

    # and the request's business date is fine
    body = await issue_call(client, world, invoice_id, number(), "2026-06-11")
    assert payload(body, NAME)["invoice"]["issueDate"] == "2026-06-11"


async def test_today_is_the_business_date(client, session, world, frozen_clock):
    # given it is 2026-06-16 01:00 in Shanghai, still 06-15 in UTC
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    frozen_clock.set(datetime(2026, 6, 15, 17, 0, tzinfo=UTC))

    # when the invoice is dated 06-17, then 06-16
    late = await issue_call(client, world, invoice_id, number(), "2026-06-17")
    body = await issue_call(client, world, invoice_id, number(), "2026-06-16")

    # then only the business date's today is accepted
    assert errors(late, NAME) == [("INVALID_INPUT", ["input", "issueDate"])]
    assert "future" in payload(late, NAME)["userErrors"][0]["message"]
    assert payload(body, NAME)["invoice"]["issueDate"] == "2026-06-16"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "0440030",  # 7 digits
        "044003001",  # 9 digits
        "1" * 19,
        "1" * 21,
        "0440030A",
        "0440 0300",
        "-4400300",
        "０４４００３００",  # full-width digits  # noqa: RUF001
        "٠٤٤٠٠٣٠٠",  # Arabic-Indic digits
        "04400300\n1",
    ],
)
async def test_a_malformed_invoice_number_is_refused(client, session, world, bad):
    # given
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    unchanged = await state(session, world.partner)

    # when
    body = await issue_call(client, world, invoice_id, bad)

    # then
    result = payload(body, NAME)
    assert result["invoice"] is None
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "invoiceNumber"])]
    assert "8 digits" in result["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged
    assert await audit_events(session, "invoice.issue") == []


async def test_a_bad_number_and_a_future_date_are_both_named(client, session, world):
    profile = await billed(session, world)
    invoice_id = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    unchanged = await state(session, world.partner)

    body = await issue_call(client, world, invoice_id, "12", "2026-06-16")

    assert errors(body, NAME) == [
        ("INVALID_INPUT", ["input", "invoiceNumber"]),
        ("INVALID_INPUT", ["input", "issueDate"]),
    ]
    assert await state(session, world.partner) == unchanged


@pytest.mark.parametrize("first_status", [InvoiceStatus.ISSUED, InvoiceStatus.RETURNED])
async def test_a_number_the_partner_already_used_is_refused(client, session, world, first_status):
    # given an invoice issued (or issued and returned) as 04400300, and another request
    profile = await billed(session, world)
    first = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    await issue(session, first, "04400300", TODAY)
    if first_status is InvoiceStatus.RETURNED:
        await transitions.request_invoice_return(
            acting_as(session, world.users[Role.FINANCE]), first, "抬头有误"
        )
        await transitions.confirm_invoice_return(platform(session), first)
    second = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)
    unchanged = await state(session, world.partner)

    # when the second is issued with the same number (spaces around it)
    body = await issue_call(client, world, second, " 04400300 ")

    # then
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "invoiceNumber"])]
    assert "already" in payload(body, NAME)["userErrors"][0]["message"]
    assert await state(session, world.partner) == unchanged
    # and another number is fine
    again = await issue_call(client, world, second, "04400301")
    assert payload(again, NAME)["invoice"]["status"] == "ISSUED"


async def test_another_partners_number_is_no_duplicate(client, session, world):
    # given the other partner's invoice issued as 04400300
    await issue(session, await their_request(session, world), "04400300", TODAY)
    # and one of the partner's
    profile = await billed(session, world)
    ours = await invoice_in(session, world, profile, InvoiceStatus.REQUESTED)

    # when
    body = await issue_call(client, world, ours, "04400300")

    # then
    assert payload(body, NAME)["userErrors"] == []
    row = await invoice_row(session, world.partner, ours)
    assert (row.status, row.invoice_number) == (InvoiceStatus.ISSUED, "04400300")


async def test_the_platform_issues_any_partners_invoice(client, session, world):
    # the platform is not bound to a partner: the other partner's request is issued too
    theirs = await their_request(session, world)

    body = await issue_call(client, world, theirs, "04400300")

    assert payload(body, NAME)["invoice"]["status"] == "ISSUED"
    row = await invoice_row(session, world.other, theirs)
    assert row.status is InvoiceStatus.ISSUED and row.amount == Decimal("50.00")


RACERS = 6


async def _race_issues(committed, settings, calls: list[tuple[int, str]]) -> list[dict]:
    """`issueInvoice` sent by the platform for each (invoice, number) at the same moment."""
    app = create_app(settings, database=committed)
    async with committed.session(write=True) as session:
        token = await platform_token(session)
        await session.commit()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:

        async def post(invoice_id: int, invoice_number: str) -> dict:
            variables = {
                "input": {
                    "invoiceId": iid(invoice_id),
                    "invoiceNumber": invoice_number,
                    "issueDate": str(TODAY),
                }
            }
            body = await gql(client, ISSUE, variables, token=token)
            assert "errors" not in body, body
            return body["data"][NAME]

        return await asyncio.gather(*(post(i, n) for i, n in calls))


async def _requested(committed, how_many: int) -> tuple[Partner, list[int]]:
    """A partner (committed) with `how_many` REQUESTED invoices of 10.00."""
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        admin = await make_user(session, partner, Role.ADMIN)
        who = await spender(session, partner, admin)
        await consume(session, who, "100.00", DAY)
        profile = await make_profile(session, admin)
        ids = [await request(session, admin, profile.id, amount="10.00") for _ in range(how_many)]
        await session.commit()
    return partner, ids


async def test_one_number_given_to_several_invoices_at_once_is_given_once(committed, settings):
    # given six requests of one partner (PostgreSQL: each call commits on its own)
    partner, ids = await _requested(committed, RACERS)

    # when the platform issues all of them as 04400300 at the same moment
    results = await _race_issues(committed, settings, [(i, "04400300") for i in ids])

    # then one is issued; every other is told the number is taken
    assert sum(r["userErrors"] == [] for r in results) == 1
    for r in results:
        assert r["userErrors"] == [] or [(e["code"], e["field"]) for e in r["userErrors"]] == [
            ("INVALID_INPUT", ["input", "invoiceNumber"])
        ]
    async with committed.session() as session:
        statuses = [(await invoice_row(session, partner, i)).status for i in ids]
    assert sorted(statuses) == sorted(
        [InvoiceStatus.ISSUED] + [InvoiceStatus.REQUESTED] * (RACERS - 1)
    )


async def test_one_invoice_issued_several_times_at_once_is_issued_once(committed, settings):
    # given one request
    partner, [invoice_id] = await _requested(committed, 1)

    # when the platform issues it six times at once, under six numbers
    numbers = [f"0440030{n}" for n in range(RACERS)]
    results = await _race_issues(committed, settings, [(invoice_id, n) for n in numbers])

    # then one number wins; the others find it ISSUED
    won = [r for r in results if r["userErrors"] == []]
    assert len(won) == 1
    for r in results:
        if r["userErrors"]:
            assert [e["code"] for e in r["userErrors"]] == ["INVALID_STATE"]
    async with committed.session() as session:
        row = await invoice_row(session, partner, invoice_id)
    assert row.invoice_number == won[0]["invoice"]["invoiceNumber"]
