"""Hundreds of concurrent money calls, committed for real: nothing lost, nothing created.

Unlike the rest of the suite this test commits (each request is its own transaction, as in
production), so it cleans every table afterwards.
"""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import delete, func, select

from app.db import Database
from app.main import create_app
from app.models import Adjustment, Base, CustomerAccount, PartnerAccount
from app.models.partners.enums import Role
from app.services.funds.verify import verify
from tests.factories import global_id, make_customer, make_partner, make_user, token_for
from tests.funds.helpers import recharge

CALLS = 240
ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) {
    adjustment { id }
    userErrors { code }
  }
}
"""


@pytest.fixture
async def committed(database: Database):
    yield database
    async with database.session(write=True) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


async def test_concurrent_allocations_and_retrievals(committed: Database, settings):
    # given a partner with 5,000.00 and three customers, committed
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        users = [await make_user(session, partner, Role.FINANCE) for _ in range(4)]
        customers = [await make_customer(session, partner) for _ in range(3)]
        await recharge(session, partner, "5000.00")
        tokens = [await token_for(session, user) for user in users]
        await session.commit()
    rng = random.Random(7)
    calls = []
    for n in range(CALLS):
        kind = rng.choice(["ALLOCATE", "ALLOCATE", "RETRIEVE"])
        amount = Decimal(rng.randint(1, 20_000)) / 100
        calls.append(
            (
                tokens[n % len(tokens)],
                {
                    "customerId": global_id("Customer", rng.choice(customers).id),
                    "kind": kind,
                    "amount": str(amount),
                    "idempotencyKey": f"call-{n}",
                },
            )
        )
    # ... and every tenth call sent twice at once with the same key
    duplicates = [calls[n] for n in range(0, CALLS, 10)]

    app = create_app(settings, database=committed)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", timeout=120
    ) as client:

        async def send(token: str, data: dict) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": ADJUST, "variables": {"input": data}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            return body["data"]["adjustCustomerFunds"]

        # when
        results = await asyncio.gather(*(send(t, d) for t, d in calls + duplicates))

    # then every call either happened or was refused with a reason
    firsts, replays = results[:CALLS], results[CALLS:]
    for payload in results:
        assert (payload["adjustment"] is None) != (payload["userErrors"] == [])
        assert all(e["code"] == "INSUFFICIENT_BALANCE" for e in payload["userErrors"])
    # duplicates replayed the same outcome
    for original, replay in zip(firsts[::10], replays, strict=True):
        assert replay == original
    succeeded = [p for p in firsts if p["adjustment"] is not None]
    assert len(succeeded) > CALLS // 3
    async with committed.session() as session:
        assert await verify(session) == []
        assert await session.scalar(select(func.count()).select_from(Adjustment)) == len(succeeded)
        account = await session.get(PartnerAccount, partner.id)
        assert account is not None and account.allocatable >= 0
        balances = (await session.scalars(select(CustomerAccount.balance))).all()
        assert all(balance >= 0 for balance in balances)
        assert account.allocatable + sum(balances) == Decimal("5000.00")
