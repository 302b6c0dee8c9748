"""Concurrent registrations of one company (PostgreSQL): exactly one partner gets it.

These requests run in their own committed transactions, so the test cleans up with TRUNCATE.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from app.main import create_app
from app.models import Registration, RegistrationClaim
from app.models.partners.enums import Role
from tests import committed_postgres
from tests.factories import make_partner, make_user, token_for

SUBMIT = """
mutation Submit($name: String!, $code: String) {
  submitRegistration(input: {companyName: $name, creditCode: $code, contactName: "a",
                              contactEmail: "a@b.cn", contactPhone: "13800001111"}) {
    registration { id }
    userErrors { code }
  }
}
"""


committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races


async def race(committed, settings, *variables: dict) -> list[dict]:
    """Two partners (a SALES user each) submit at the same moment; their payloads."""
    async with committed.session(write=True) as session:
        tokens = []
        for _ in variables:
            partner = await make_partner(session)
            tokens.append(await token_for(session, await make_user(session, partner, Role.SALES)))
        await session.commit()
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:

        async def submit(token: str, values: dict) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": SUBMIT, "variables": values},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.json()["data"]["submitRegistration"]

        return await asyncio.gather(*map(submit, tokens, variables))


async def assert_exactly_one_got_it(committed, results: list[dict]) -> None:
    assert sorted(bool(r["registration"]) for r in results) == [False, True]
    assert [e["code"] for r in results for e in r["userErrors"]] == ["REGISTRATION_CONFLICT"]
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(Registration)) == 1
        # the winner's claim, which the loser's check read once the winner committed
        assert await session.scalar(select(func.count()).select_from(RegistrationClaim)) == 1


async def test_two_partners_registering_one_company_at_once(committed, settings):
    # given two partners; when both submit the same company (spelled differently) at once
    results = await race(committed, settings, {"name": "Race Co., Ltd."}, {"name": "RACE CO"})

    # then exactly one got it
    await assert_exactly_one_got_it(committed, results)


async def test_two_partners_registering_one_credit_code_at_once(committed, settings):
    # the same company by its credit code, under two names
    code = "91110000MA01RACE1X"
    results = await race(
        committed, settings, {"name": "Alpha Ltd", "code": code}, {"name": "Beta Ltd", "code": code}
    )

    await assert_exactly_one_got_it(committed, results)


async def test_a_partner_cannot_exceed_the_cap_by_racing(committed, settings, monkeypatch):
    monkeypatch.setattr(settings, "max_open_registrations", 1)
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        token = await token_for(session, await make_user(session, partner, Role.SALES))
        await session.commit()
    app = create_app(settings, database=committed)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        bodies = await asyncio.gather(
            *(
                client.post(
                    "/graphql",
                    json={"query": SUBMIT, "variables": {"name": f"Company {i}"}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                for i in range(4)
            )
        )

    payloads = [b.json()["data"]["submitRegistration"] for b in bodies]
    assert sum(1 for p in payloads if p["registration"]) == 1
    assert (
        sorted(e["code"] for p in payloads for e in p["userErrors"])
        == ["REGISTRATION_LIMIT_REACHED"] * 3
    )
