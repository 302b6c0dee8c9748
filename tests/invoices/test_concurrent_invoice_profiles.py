"""Concurrency (PostgreSQL): profiles created at once by two users of a partner end with one
default, and the same title sent twice at once is created once (the partner-row lock).

These requests commit in their own transactions; the fixture truncates afterwards.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select

from app.main import create_app
from app.models import InvoiceProfile
from app.models.partners.enums import Role
from tests import committed_postgres
from tests.factories import make_partner, make_user, token_for
from tests.invoices.helpers import CREATE_PROFILE, general, special

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races


async def _post(client, variables: dict, token: str) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": CREATE_PROFILE, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()


async def _race(committed, settings, inputs: list[dict]) -> tuple[int, list[dict]]:
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        tokens = [
            await token_for(session, await make_user(session, partner, role))
            for role in (Role.ADMIN, Role.FINANCE)
        ]
        await session.commit()
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        results = await asyncio.gather(
            *(_post(client, {"input": i}, t) for i, t in zip(inputs, tokens, strict=True))
        )
    return partner.id, [r["data"]["createInvoiceProfile"] for r in results]


async def _rows(committed, partner_id: int) -> list[InvoiceProfile]:
    async with committed.session() as session:
        rows = await session.scalars(
            select(InvoiceProfile).where(InvoiceProfile.partner_id == partner_id)
        )
        return list(rows)


async def test_two_first_profiles_at_once_make_one_default(committed, settings):
    # when two users create the partner's first profiles at the same moment
    partner_id, results = await _race(committed, settings, [general(), special()])

    # then both are created and exactly one is the default
    assert [r["userErrors"] for r in results] == [[], []]
    rows = await _rows(committed, partner_id)
    assert len(rows) == 2
    assert sum(r.is_default for r in rows) == 1


async def test_the_same_title_twice_at_once_is_created_once(committed, settings):
    # when the same title is sent twice at the same moment
    partner_id, results = await _race(committed, settings, [general(), general()])

    # then one is created, the other refused as a duplicate
    assert sorted(len(r["userErrors"]) for r in results) == [0, 1]
    assert len(await _rows(committed, partner_id)) == 1
