"""Concurrent ingests, committed for real: every record rated once, charged once.

Like the funds concurrency test this one commits, so it cleans every table afterwards.
"""

from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import delete, func, select

from app.db import Database
from app.main import create_app
from app.models import Base, ConsumptionDetail, UsageRecord
from app.services.consumption.verify import verify
from app.services.funds.verify import verify as verify_funds
from tests.consumption.helpers import at, world
from tests.factories import global_id, iso, platform_token

INGEST = """
mutation Ingest($input: IngestUsageInput!) {
  ingestUsage(input: $input) { inserted duplicates rejected { reason } userErrors { code } }
}
"""
CALLS = 12


@pytest.fixture
async def committed(database: Database):
    yield database
    async with database.session(write=True) as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


async def test_concurrent_ingests_rate_each_record_once(committed: Database, settings):
    # given a resource, and 12 batches drawn from 60 records (so they overlap)
    async with committed.session(write=True) as session:
        w = await world(session)
        token = await platform_token(session)
        await session.commit()
    day = date(2026, 6, 1)
    pool = [
        {
            "sourceId": f"r-{d}-{h}",
            "resourceId": global_id("Resource", w.resource.id),
            "serviceType": "ECS",
            "region": w.resource.region,
            "startAt": iso(at(day + timedelta(days=d), h)),
            "endAt": iso(at(day + timedelta(days=d), h + 1)),
            "quantity": "1",
            "unit": "hour",
        }
        for d in range(5)
        for h in range(12)
    ]
    rng = random.Random(3)
    batches = [rng.sample(pool, 20) for _ in range(CALLS)]
    app = create_app(settings, database=committed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=120
    ) as client:

        async def send(records: list) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": INGEST, "variables": {"input": {"records": records}}},
                headers={"Authorization": f"Bearer {token}"},
            )
            body = response.json()
            assert "errors" not in body, body
            return body["data"]["ingestUsage"]

        # when
        results = await asyncio.gather(*(send(b) for b in batches))

    # then
    assert all(r["rejected"] == [] and r["userErrors"] == [] for r in results)
    sent = {r["sourceId"] for b in batches for r in b}
    async with committed.session() as session:
        assert await session.scalar(select(func.count()).select_from(UsageRecord)) == len(sent)
        usage = await session.scalar(select(func.sum(ConsumptionDetail.usage)))
        assert usage == Decimal(len(sent))
        assert await verify(session) == []
        assert await verify_funds(session) == []
