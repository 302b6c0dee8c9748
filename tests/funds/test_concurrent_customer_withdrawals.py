"""Concurrent customer withdrawals, committed for real: the frozen cash is never asked for
twice. Like the other concurrency tests this one commits and cleans every table afterwards."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import delete, func, select

from app.db import Database
from app.main import create_app
from app.models import Base, CustomerAccount, CustomerWithdrawal
from app.services.funds.verify import verify
from tests.factories import customer_token, make_partner
from tests.funds.customer_withdrawal_helpers import REQUEST, frozen_customer, request_input
from tests.rows import reread

CALLS = 30


@pytest.fixture
async def committed(database: Database):
    yield database
    async with database.session(write=True) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


async def test_concurrent_requests_never_overdraw_the_frozen_cash(committed: Database, settings):
    # given a customer with 300.00 of frozen own cash, committed
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        customer = await frozen_customer(session, partner, "300.00")
        token = await customer_token(session, customer)
        await session.commit()
    calls = [request_input(customer, "25.00", key=f"c-{n}") for n in range(CALLS)]

    app = create_app(settings, database=committed)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", timeout=120
    ) as client:

        async def send(variables: dict) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": REQUEST, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            return body["data"]["requestCustomerWithdrawal"]

        # when: 30 requests of 25.00 at once (750.00 asked of 300.00)
        results = await asyncio.gather(*(send(v) for v in calls))

    # then exactly 12 went through, the others were refused for the balance
    succeeded = [p for p in results if p["customerWithdrawal"] is not None]
    assert len(succeeded) == 12
    for payload in results:
        assert (payload["customerWithdrawal"] is None) != (payload["userErrors"] == [])
        assert all(e["code"] == "INSUFFICIENT_BALANCE" for e in payload["userErrors"]), payload
    async with committed.session() as session:
        assert await verify(session) == []
        assert await session.scalar(select(func.count()).select_from(CustomerWithdrawal)) == 12
        account = await reread(session, CustomerAccount, customer.id)
        assert account is not None
        assert (account.frozen_own_cash, account.own_cash_held) == (
            Decimal("0.00"),
            Decimal("300.00"),
        )
