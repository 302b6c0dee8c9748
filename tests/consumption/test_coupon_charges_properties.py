"""Property: whatever usage arrives (in batches, late, into a closed cycle) and whatever CASH
coupons the customers hold, details = rollups = charge rows = ledger to the cent, and each
coupon's usages are exactly what it lost of its value."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.models import ConsumptionCharge, ConsumptionDetail, Coupon, CouponUsage, LedgerEntry
from app.models.customers.enums import ServiceType
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.verify import verify
from app.services.core.money import round_cents
from app.services.funds.verify import verify as verify_funds
from tests.conftest import IsolatedDatabase
from tests.consumption.coupon_helpers import make_coupon
from tests.consumption.helpers import at, fund, ingest, make_product, on_demand_resource, usage
from tests.consumption.helpers import world as consumption_world
from tests.factories import make_customer
from tests.funds.helpers import platform

quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=3)
record = st.tuples(st.integers(0, 3), st.integers(0, 30), st.integers(0, 23), quantities)
coupon = st.tuples(
    st.integers(0, 1),  # whose
    st.sampled_from(["0.01", "0.50", "3.00", "20.00"]),
    st.integers(0, 40),  # valid from FIRST_DAY + n
    st.integers(1, 20),  # for n days
    st.sampled_from([(), (ServiceType.ECS,), (ServiceType.OBS,)]),
)
FIRST_DAY = date(2026, 5, 10)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(st.lists(record, min_size=1, max_size=10), min_size=1, max_size=4),
    coupons=st.lists(coupon, max_size=5),
    close_may_after=st.integers(0, 4),
    cash=st.sampled_from(["0", "2.00", "100.00"]),
)
async def test_coupons_details_rollups_charges_and_ledger_agree(
    database, batches, coupons, close_may_after, cash
):
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            async with IsolatedDatabase(database, connection).session() as session:
                # given two customers, ECS and OBS resources, cheap and dear, and coupons
                w = await consumption_world(session)
                if cash != "0":
                    await fund(session, w, cash, credit_limit="1.00")
                obs = await make_product(session, ServiceType.OBS, unit_price="0.00123457")
                second = await make_customer(session, w.partner)
                customers = [w.customer, second]
                resources = [
                    w.resource,
                    await on_demand_resource(session, w.customer, obs),
                    await on_demand_resource(session, second, w.product),
                    await on_demand_resource(session, second, obs),
                ]
                for whose, value, start, length, services in coupons:
                    begin = FIRST_DAY + timedelta(days=start)
                    await make_coupon(
                        session,
                        customers[whose],
                        value,
                        valid_from=at(begin),
                        valid_to=at(begin + timedelta(days=length)),
                        service_types=services,
                    )

                # when the usage arrives
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

                # then everything agrees
                assert await verify(session) == []
                assert await verify_funds(session) == []
                charges = (await session.execute(select(ConsumptionCharge))).scalars().all()
                ledger: dict[int, Decimal] = defaultdict(Decimal)
                for customer_id, amount in await session.execute(
                    select(LedgerEntry.customer_id, LedgerEntry.amount).where(
                        LedgerEntry.account == LedgerAccount.CUSTOMER_BALANCE,
                        LedgerEntry.kind == LedgerKind.CUSTOMER_CHARGE,
                    )
                ):
                    ledger[customer_id] -= amount
                by_customer: dict[int, Decimal] = defaultdict(Decimal)
                for detail in (await session.execute(select(ConsumptionDetail))).scalars():
                    # a line owes below zero at most the fraction of a cent a bill rounded up
                    assert detail.amount_due > Decimal("-0.01")
                    assert detail.coupon >= 0
                for charge in charges:
                    assert charge.charged >= 0 and charge.coupon >= 0
                    assert charge.rated >= Decimal("-0.005")
                    bill = round_cents(charge.rated + charge.coupon)
                    assert charge.charged + charge.coupon == bill
                    by_customer[charge.customer_id] += charge.charged
                assert dict(ledger) == {k: v for k, v in by_customer.items() if v}
                used = dict(
                    (
                        await session.execute(
                            select(CouponUsage.coupon_id, func.sum(CouponUsage.amount)).group_by(
                                CouponUsage.coupon_id
                            )
                        )
                    ).all()
                )
                event("a coupon paid" if used else "no coupon paid")
                for c in (await session.execute(select(Coupon))).scalars():
                    assert c.balance >= 0
                    assert c.value - c.balance == used.get(c.id, Decimal(0))
        finally:
            await outer.rollback()
