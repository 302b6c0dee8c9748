"""record_prepaid_consumption: the Orders' hook writes a yearly/monthly line, charging nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.models import ConsumptionRollup, LedgerEntry
from app.models.consumption.enums import DetailKind
from app.services.consumption.prepaid import record_prepaid_consumption
from app.services.consumption.verify import verify
from tests.consumption.helpers import world
from tests.funds.helpers import platform


async def test_a_paid_order_writes_its_line_and_rollups_without_charging(session):
    # given
    w = await world(session)

    # when
    detail = await record_prepaid_consumption(
        platform(session),
        partner_id=w.customer.partner_id,
        customer_id=w.customer.id,
        resource_id=w.resource.id,
        product_id=w.product.id,
        order_id=42,
        paid_at=datetime(2026, 6, 14, 20, 0, tzinfo=UTC),  # 15 June in Shanghai
        list_amount=Decimal("180.00"),
        discount=Decimal("18.00"),
        coupon=Decimal("10.00"),
        amount_due=Decimal("152.00"),
        paid_by="PARTNER",
    )

    # then
    assert (detail.kind, detail.bill_cycle, str(detail.day)) == (
        DetailKind.PREPAID,
        "2026-06",
        "2026-06-15",
    )
    assert detail.cash_paid == Decimal("152.00")
    rollup = (await session.execute(select(ConsumptionRollup))).scalar_one()
    assert (rollup.list_amount, rollup.discount, rollup.coupon, rollup.amount_due) == (
        Decimal("180"),
        Decimal("18"),
        Decimal("10"),
        Decimal("152"),
    )
    assert await session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    # and verify, finding the line of an order nothing paid, says so
    assert await verify(session) == [
        "order 42, cycle 2026-06: the ledger paid 0.00 (no posting), its order lines say 152.00"
    ]
