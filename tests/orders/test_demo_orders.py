"""seed-demo places orders in every state through the services; the ledger still verifies."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo.seed import seed
from app.models import Order, OrderRefund, Resource
from tests.funds.helpers import assert_books_balance


async def test_demo_orders(db, session):
    first = await seed(db)
    again = await seed(db)

    assert any("created demo orders" in line for line in first)
    assert not any("created demo orders" in line for line in again)
    await assert_books_balance(session)
    rows = (
        await session.execute(
            select(Order.kind, Order.status, Order.source, Order.partner_payment_status)
        )
    ).all()
    assert {"COMPLETED", "PENDING_PAYMENT", "CANCELLED"} <= {r.status.value for r in rows}
    assert {r.kind.value for r in rows} == {"NEW", "RENEW", "CHANGE_SPEC", "UNSUBSCRIBE"}
    assert any(
        r.source.value == "CUSTOMER" and r.partner_payment_status.value == "REQUESTED" for r in rows
    )
    provisioned = await session.scalar(
        select(func.count()).select_from(Resource).where(Resource.order_id.is_not(None))
    )
    assert provisioned and await session.scalar(select(func.count()).select_from(OrderRefund))
