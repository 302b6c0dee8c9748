"""Concurrency (PostgreSQL): invoice requests sent at the same moment never take the same
invoiceable money twice (the partner-row lock), and one key sent many times at once makes one
invoice.

These requests commit in their own transactions; the fixture truncates afterwards.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import func, select

from app.main import create_app
from app.models import Invoice, InvoiceLine
from app.models.partners.enums import Role
from tests import committed_postgres
from tests.factories import make_partner, make_user, token_for
from tests.invoices.helpers import make_profile, pid
from tests.invoices.money import REQUEST, consume, requestable, spender

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races

REQUESTS = 10


async def _setup(committed) -> tuple[int, str, list[str], Decimal]:
    """A partner with 33.45 invoiceable over three cycles, a profile, and a token per racer
    (ADMIN and FINANCE users alternately)."""
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        admin = await make_user(session, partner, Role.ADMIN)
        who = await spender(session, partner, admin)
        await consume(session, who, "12.34", date(2026, 4, 3))
        await consume(session, who, "20.00", date(2026, 5, 3))
        await consume(session, who, "1.11", date(2026, 6, 3))
        profile = await make_profile(session, admin)
        tokens = [
            await token_for(session, await make_user(session, partner, role))
            for role in [Role.ADMIN, Role.FINANCE] * (REQUESTS // 2)
        ]
        total = await requestable(session, partner)
        await session.commit()
    return partner.id, pid(profile), tokens, total


async def _race(committed, settings, calls: list[tuple[str, dict]]) -> list[dict]:
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:

        async def post(token: str, input: dict) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": REQUEST, "variables": {"input": input}},
                headers={"Authorization": f"Bearer {token}"},
            )
            body = response.json()
            assert "errors" not in body, body
            return body["data"]["requestInvoice"]

        return await asyncio.gather(*(post(token, input) for token, input in calls))


async def _invoices(committed, partner_id: int) -> tuple[int, Decimal, Decimal]:
    """(number of invoices, sum of their amounts, sum of their lines)."""
    async with committed.session() as session:
        invoices = await session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.partner_id == partner_id)
        )
        amounts = await session.scalar(
            select(func.coalesce(func.sum(Invoice.amount), 0)).where(
                Invoice.partner_id == partner_id
            )
        )
        lines = await session.scalar(
            select(func.coalesce(func.sum(InvoiceLine.amount), 0)).where(
                InvoiceLine.partner_id == partner_id
            )
        )
        return invoices, Decimal(amounts), Decimal(lines)


async def test_the_whole_amount_asked_ten_times_at_once_is_requested_once(committed, settings):
    # given 33.45 invoiceable
    partner_id, profile_id, tokens, total = await _setup(committed)
    assert total == Decimal("33.45")

    # when ten users ask for all of it at the same moment
    results = await _race(
        committed,
        settings,
        [
            (token, {"profileId": profile_id, "amount": str(total), "idempotencyKey": f"all-{n}"})
            for n, token in enumerate(tokens)
        ],
    )

    # then exactly one gets it; every other is told it exceeds what is invoiceable
    won = [r for r in results if r["userErrors"] == []]
    lost = [r for r in results if r["userErrors"]]
    assert len(won) == 1 and len(lost) == REQUESTS - 1
    assert won[0]["invoice"]["amount"]["amount"] == "33.45"
    for r in lost:
        assert r["invoice"] is None
        assert [(e["code"], e["field"]) for e in r["userErrors"]] == [
            ("INVOICEABLE_EXCEEDED", ["input", "amount"])
        ]
    invoices, amounts, lines = await _invoices(committed, partner_id)
    assert invoices == 1
    assert amounts == lines == total


async def test_parts_asked_at_once_never_exceed_the_total(committed, settings):
    # given 33.45 invoiceable
    partner_id, profile_id, tokens, total = await _setup(committed)

    # when ten users ask for 5.00 each at the same moment
    results = await _race(
        committed,
        settings,
        [
            (token, {"profileId": profile_id, "amount": "5.00", "idempotencyKey": f"part-{n}"})
            for n, token in enumerate(tokens)
        ],
    )

    # then six fit (30.00), the other four are refused
    codes = sorted(e["code"] for r in results for e in r["userErrors"])
    assert sum(r["userErrors"] == [] for r in results) == 6
    assert codes == ["INVOICEABLE_EXCEEDED"] * 4
    invoices, amounts, lines = await _invoices(committed, partner_id)
    assert invoices == 6
    assert amounts == lines == Decimal("30.00") <= total


async def test_cycles_asked_at_once_are_requested_once(committed, settings):
    # given 33.45 invoiceable
    partner_id, profile_id, tokens, _ = await _setup(committed)

    # when ten users name April and May at the same moment
    results = await _race(
        committed,
        settings,
        [
            (
                token,
                {
                    "profileId": profile_id,
                    "cycles": ["2026-04", "2026-05"],
                    "idempotencyKey": f"cycles-{n}",
                },
            )
            for n, token in enumerate(tokens)
        ],
    )

    # then one invoice takes both; the others are refused at each cycle
    assert sum(r["userErrors"] == [] for r in results) == 1
    for r in results:
        if r["userErrors"]:
            assert [(e["code"], e["field"]) for e in r["userErrors"]] == [
                ("INVOICEABLE_EXCEEDED", ["input", "cycles", "0"]),
                ("INVOICEABLE_EXCEEDED", ["input", "cycles", "1"]),
            ]
    assert await _invoices(committed, partner_id) == (1, Decimal("32.34"), Decimal("32.34"))


async def test_one_key_sent_ten_times_at_once_makes_one_invoice(committed, settings):
    # given 33.45 invoiceable
    partner_id, profile_id, tokens, _ = await _setup(committed)

    # when the same call (same key, same input) is sent ten times at the same moment
    results = await _race(
        committed,
        settings,
        [
            (token, {"profileId": profile_id, "amount": "10.00", "idempotencyKey": "same"})
            for token in tokens
        ],
    )

    # then every answer is the one invoice (a retry that found the first one still running
    # would be told to retry; none is refused otherwise)
    ids = {r["invoice"]["id"] for r in results if r["invoice"] is not None}
    assert len(ids) == 1
    for r in results:
        assert r["userErrors"] == [] or [e["code"] for e in r["userErrors"]] == ["INVALID_STATE"]
    assert await _invoices(committed, partner_id) == (1, Decimal("10.00"), Decimal("10.00"))
