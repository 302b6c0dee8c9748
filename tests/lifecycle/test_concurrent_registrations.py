"""Concurrent registrations of one company (PostgreSQL): exactly one partner gets it.

These requests run in their own committed transactions, so the test cleans up with TRUNCATE.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select, text

from app.main import create_app
from app.models import Base, Registration
from app.models.partners.enums import Role
from tests.factories import make_partner, make_user, token_for

SUBMIT = """
mutation Submit($name: String!) {
  submitRegistration(input: {companyName: $name, contactName: "a", contactEmail: "a@b.cn",
                              contactPhone: "13800001111"}) {
    registration { id }
    userErrors { code }
  }
}
"""


@pytest.fixture
async def committed(database):
    if database.dialect != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    yield database
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


async def test_two_partners_registering_one_company_at_once(committed, settings):
    # given two partners with a SALES user each
    async with committed.session(write=True) as session:
        tokens = []
        for _ in range(2):
            partner = await make_partner(session)
            tokens.append(await token_for(session, await make_user(session, partner, Role.SALES)))
        await session.commit()
    app = create_app(settings, database=committed)

    # when both submit the same company (spelled differently) at the same moment
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:

        async def submit(token: str, name: str) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": SUBMIT, "variables": {"name": name}},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.json()["data"]["submitRegistration"]

        results = await asyncio.gather(
            submit(tokens[0], "Race Co., Ltd."), submit(tokens[1], "RACE CO")
        )

    # then exactly one got it
    assert sorted(bool(r["registration"]) for r in results) == [False, True]
    assert [e["code"] for r in results for e in r["userErrors"]] == ["REGISTRATION_CONFLICT"]
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(Registration)) == 1


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
