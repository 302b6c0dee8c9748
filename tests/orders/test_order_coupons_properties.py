"""Property: whatever lines and coupons an order names, orderQuote and createProxyOrder agree
to the cent (or refuse alike), and the order's numbers hold together: each line's list -
discount - coupons = due, the shares of each coupon sum to its deduction, nothing is below
zero, the stored shares are the ones shown."""

from __future__ import annotations

from decimal import Decimal

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.main import create_app
from app.models import OrderCoupon
from tests.conftest import IsolatedDatabase
from tests.orders.coupon_helpers import errors, make_coupon, order_with, quote
from tests.orders.helpers import make_world, new_line

PRODUCTS = ("ecs", "ecs_xl", "evs")
period = st.one_of(
    st.tuples(st.just("MONTH"), st.integers(1, 9)), st.tuples(st.just("YEAR"), st.integers(1, 3))
)
line = st.tuples(st.sampled_from(PRODUCTS), period, st.integers(1, 3))
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("800"), places=2)
# mostly coupons that apply, sometimes one that is refused
types = st.sampled_from([(), (), ("ECS",), ("EVS",), ("ECS", "EVS"), ("RDS",)])
minimum = st.sampled_from(["0.00", "0.00", "0.00", "200.00", "1000.00"])
cash = st.tuples(st.just("CASH"), st.none(), money, types, minimum)
discount = st.tuples(
    st.just("DISCOUNT"),
    st.decimals(min_value=Decimal("0.5"), max_value=Decimal("0.99"), places=4),
    money,
    types,
    minimum,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(line, min_size=1, max_size=3),
    coupons=st.tuples(st.lists(discount, max_size=1), st.lists(cash, min_size=1, max_size=3)),
)
async def test_quote_equals_order_to_the_cent(database, settings, lines, coupons):
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            db = IsolatedDatabase(database, connection)
            app = create_app(settings, database=db)
            transport = httpx.ASGITransport(app=app)
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://test") as client,
                db.session() as session,
            ):
                world = await make_world(session, money="")
                rows = [
                    await make_coupon(
                        session,
                        world.customer,
                        kind=kind,
                        rate=str(rate) if rate is not None else None,
                        value=str(value),
                        service_types=service_types,
                        minimum=floor,
                    )
                    for kind, rate, value, service_types, floor in [*coupons[0], *coupons[1]]
                ]
                await session.commit()
                order_lines = [
                    new_line(world.products[name], unit=unit, count=count, quantity=quantity)
                    for name, (unit, count), quantity in lines
                ]
                quoted = await quote(client, world.sales, world.customer, order_lines, rows)
                created = await order_with(client, world.sales, world.customer, order_lines, rows)
                if quoted["quote"] is None:
                    assert errors(created["userErrors"]) == errors(quoted["userErrors"])
                    return
                q, order = quoted["quote"], created["order"]
                assert created["userErrors"] == []
                for name in ("listAmount", "discountAmount", "couponAmount", "amountDue"):
                    assert q[name] == order[name]
                assert [x["amountDue"]["amount"]["amount"] for x in q["lines"]] == [
                    x["amountDue"]["amount"] for x in order["lines"]
                ]
                assert [(c["couponId"], c["amount"], c["shares"]) for c in q["coupons"]] == [
                    (c["couponId"], c["amount"], c["shares"]) for c in order["coupons"]
                ]
                for x in order["lines"]:
                    listed, off = Decimal(x["listAmount"]["amount"]), x["discountAmount"]
                    due = Decimal(x["amountDue"]["amount"])
                    taken = Decimal(off["amount"]) + Decimal(x["couponAmount"]["amount"])
                    assert listed - taken == due >= 0
                for c in order["coupons"]:
                    total = sum(Decimal(s["amount"]["amount"]) for s in c["shares"])
                    assert total == Decimal(c["amount"]["amount"]) > 0
                stored = (await session.execute(select(OrderCoupon))).scalars().all()
                assert sum(r.amount for r in stored) == Decimal(order["couponAmount"]["amount"])
                assert Decimal(order["amountDue"]["amount"]) == sum(
                    Decimal(x["amountDue"]["amount"]) for x in order["lines"]
                )
        finally:
            await outer.rollback()
