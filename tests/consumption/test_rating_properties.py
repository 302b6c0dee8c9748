"""Property: whatever usage arrives, in whatever batches and order, the details, the rollups,
the summaries and the ledger agree (to the cent, with the rounding recorded)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import ConsumptionCharge, ConsumptionDetail
from app.services.consumption import queries as consumption_queries
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.queries import ConsumptionFilter, GroupBy
from app.services.consumption.verify import verify
from app.services.funds.verify import verify as verify_funds
from tests.conftest import IsolatedDatabase
from tests.consumption.helpers import (
    at,
    fund,
    ingest,
    make_product,
    on_demand_resource,
    usage,
    world,
)
from tests.factories import make_customer
from tests.funds.helpers import platform

quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=3)
record = st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 23), quantities)
FIRST_DAY = date(2026, 5, 10)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(st.lists(record, min_size=1, max_size=12), min_size=1, max_size=4),
    close_may_after=st.integers(0, 4),
    cash=st.sampled_from(["0", "3.00", "100.00"]),
)
async def test_details_rollups_summaries_and_ledger_agree(database, batches, close_may_after, cash):
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            async with IsolatedDatabase(database, connection).session() as session:
                w = await world(session)
                if cash != "0":
                    await fund(session, w, cash, credit_limit="2.00")
                cheap = await make_product(session, unit_price="0.00123457")
                second = await make_customer(session, w.partner)
                resources = [
                    w.resource,
                    await on_demand_resource(session, w.customer, cheap),
                    await on_demand_resource(session, second, w.product),
                    await on_demand_resource(session, second, cheap),
                ]
                for index, batch in enumerate(batches):
                    if index == close_may_after:
                        await close_bill_cycle(platform(session), "2026-05")
                    await ingest(
                        session,
                        [
                            usage(resources[r], at(FIRST_DAY + timedelta(days=d), h), str(q))
                            for r, d, h, q in batch
                        ],
                    )
                assert await verify(session) == []
                assert await verify_funds(session) == []

                details = (await session.execute(select(ConsumptionDetail))).scalars().all()
                by_cycle_service: dict[tuple, Decimal] = defaultdict(Decimal)
                for d in details:
                    by_cycle_service[(d.bill_cycle, d.service_type)] += d.amount_due
                summary = await consumption_queries.summary(
                    platform(session),
                    ConsumptionFilter(cycle_from="2026-05", cycle_to="2026-06"),
                    [GroupBy.CYCLE, GroupBy.SERVICE_TYPE],
                )
                assert {(r.cycle, r.service_type): r.sums["amount_due"] for r in summary.rows} == {
                    k: v for k, v in by_cycle_service.items()
                }
                by_day = await consumption_queries.summary(
                    platform(session),
                    ConsumptionFilter(cycle_from="2026-05", cycle_to="2026-06"),
                    [GroupBy.DAY],
                )
                assert sum(r.sums["amount_due"] for r in by_day.rows) == sum(
                    by_cycle_service.values()
                )
                charges = (await session.execute(select(ConsumptionCharge))).scalars().all()
                assert sum(c.charged for c in charges) == sum(d.amount_due for d in details) + sum(
                    c.rounding for c in charges
                )
                for d in details:
                    assert d.cash_paid + d.credit_paid <= d.amount_due + Decimal("0.01")
        finally:
            await outer.rollback()
