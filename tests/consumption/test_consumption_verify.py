"""`consumption verify` sees every consumption-kind posting of the ledger, whatever its
reference: charges without consumption, charges that disagree with their day, order payments
and refunds that are no order's or whose lines disagree; and beyond the retention window it
checks the ledger against the rollups (the details may be purged)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from app.models import (
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    LedgerTransaction,
)
from app.models.consumption.enums import DetailKind
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.consumption.verify import verify
from app.services.funds import credit, ledger
from app.services.funds.accounts import lock_partner_account
from app.services.funds.ledger import Leg
from app.settings import get_settings
from tests.consumption.helpers import at, fund, ingest, usage, world
from tests.factories import global_id
from tests.funds.helpers import platform
from tests.orders.helpers import (
    create_proxy,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)

JUNE_10 = date(2026, 6, 10)


async def _number(session, reference: str) -> str:
    tx = await session.scalar(
        select(LedgerTransaction)
        .where(LedgerTransaction.reference == reference)
        .order_by(LedgerTransaction.id.desc())
    )
    return tx.number


async def test_rated_usage_verifies(session):
    w = await world(session)
    await fund(session, w, "100.00")
    await ingest(session, [usage(w.resource, at(JUNE_10, h)) for h in range(3)])

    assert await verify(session) == []


async def test_a_charge_with_no_consumption_behind_it_is_reported(session):
    # given rated usage, and a customer charged 20,000.00 "for consumption" by hand
    w = await world(session)
    await fund(session, w, "100.00")
    await ingest(session, [usage(w.resource, at(JUNE_10))])
    await credit.charge(platform(session), w.customer, Decimal("20000.00"), reference="demo")

    # when / then: that posting is named, with its transaction number and reference
    number = await _number(session, "demo")
    assert await verify(session) == [
        f"ledger {number} (CUSTOMER_CHARGE 20000.00, reference 'demo') charges customer "
        f"{w.customer.id} for consumption that no consumption day accounts for"
    ]


async def test_a_charge_naming_a_day_it_does_not_match_is_reported(session):
    # given a day charged 1.02 (3 hours at 0.34), then charged again under its reference
    w = await world(session)
    await fund(session, w, "100.00")
    await ingest(session, [usage(w.resource, at(JUNE_10, h)) for h in range(3)])
    reference = f"Consumption:{w.customer.id}:2026-06-10"
    await credit.charge(platform(session), w.customer, Decimal("5.00"), reference=reference)

    assert await verify(session) == [
        f"customer {w.customer.id}, day 2026-06-10: the ledger charged 6.02 for consumption, "
        "the day's charge says 1.02"
    ]


async def test_a_charge_naming_another_customers_day_is_reported(session):
    w = await world(session)
    await fund(session, w, "100.00")
    await ingest(session, [usage(w.resource, at(JUNE_10))])
    other = await world(session)
    reference = f"Consumption:{w.customer.id}:2026-06-10"
    await credit.charge(platform(session), other.customer, Decimal("1.00"), reference=reference)

    (problem,) = await verify(session)
    assert f"charges customer {other.customer.id} for consumption that no consumption day" in (
        problem
    )


async def _post(session, partner_id: int, kind: LedgerKind, amount: str) -> str:
    account = await lock_partner_account(session, partner_id)
    value = Decimal(amount)
    tx = await ledger.post(
        session,
        partner_id=partner_id,
        kind=kind,
        reference="Order:999999",
        legs=[
            Leg(LedgerAccount.PARTNER_ALLOCATABLE, -value),
            Leg(LedgerAccount.PLATFORM_REVENUE, value),
        ],
        partner=account,
    )
    return tx.number


async def test_an_order_payment_or_refund_of_no_order_is_reported(session):
    w = await make_world(session)
    paid = await _post(session, w.partner.id, LedgerKind.PARTNER_ORDER_PAYMENT, "100.00")
    refunded = await _post(session, w.partner.id, LedgerKind.PARTNER_REFUND, "-40.00")

    assert await verify(session) == [
        f"ledger {paid} (PARTNER_ORDER_PAYMENT 100.00, reference 'Order:999999') is no "
        "order's payment: no consumption line",
        f"ledger {refunded} (PARTNER_REFUND -40.00, reference 'Order:999999') is no "
        "order's refund: no consumption line",
    ]


async def test_a_refund_line_that_disagrees_with_the_refund_is_reported(
    client, session, frozen_clock
):
    # given a refunded order whose refund line (and its rollups) were made to say 1.00 less
    w = await make_world(session)
    created = await create_proxy(client, w.sales, w.customer, [new_line(w.products["ecs"])])
    await pay(client, w.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, w.customer)
    frozen_clock.advance(timedelta(days=1))
    await create_proxy(
        client,
        w.sales,
        w.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsub",
    )
    assert await verify(session) == []
    refund = await session.scalar(
        select(ConsumptionDetail).where(ConsumptionDetail.kind == DetailKind.REFUND)
    )
    for model, condition in (
        (ConsumptionDetail, ConsumptionDetail.id == refund.id),
        (ConsumptionRollup, ConsumptionRollup.billing_mode == refund.billing_mode),
        (ConsumptionDayRollup, ConsumptionDayRollup.day == refund.day),
    ):
        await session.execute(
            update(model).where(condition).values(amount_due=model.amount_due + Decimal(1))
        )
    tx = await session.scalar(
        select(LedgerTransaction).where(LedgerTransaction.kind == LedgerKind.PARTNER_REFUND)
    )

    # then the details still agree with the rollups, but not with the ledger's refund
    assert await verify(session) == [
        f"order {refund.order_id}, cycle 2026-06: the ledger refunded -180.00 "
        f"({tx.number}), its refund lines say -179.00"
    ]


@pytest.fixture
def short_retention(monkeypatch):
    """Keep details for one month: in June 2026, cycles before 2026-05 are beyond it."""
    monkeypatch.setattr(get_settings(), "consumption_retention_months", 1)


async def test_beyond_retention_the_ledger_is_checked_against_the_rollups(
    client, session, frozen_clock, short_retention
):
    # given April: rated usage and a paid order, then the clock in June and April purged
    frozen_clock.set(at(date(2026, 4, 20), 10))
    w = await world(session)
    await fund(session, w, "100.00")
    await ingest(session, [usage(w.resource, at(date(2026, 4, 10), h)) for h in range(3)])
    o = await make_world(session)
    created = await create_proxy(client, o.sales, o.customer, [new_line(o.products["ecs"])])
    await pay(client, o.finance, [created["order"]["id"]])
    frozen_clock.set(at(date(2026, 6, 15), 10))
    assert await verify(session) == []
    purge = delete(ConsumptionDetail).where(ConsumptionDetail.bill_cycle == "2026-04")
    await session.execute(purge)

    # then the purged cycle still verifies, through its rollups
    assert await verify(session) == []

    # and a rollup that no longer matches the ledger is reported
    for customer in (w.customer, o.customer):
        await session.execute(
            update(ConsumptionRollup)
            .where(ConsumptionRollup.customer_id == customer.id)
            .values(amount_due=ConsumptionRollup.amount_due + Decimal(1))
        )
    assert await verify(session) == [
        f"customer {w.customer.id}, cycle 2026-04 (beyond retention): on-demand rollups rate "
        "2.02000000, its daily charges rated 1.02000000",
        f"customer {o.customer.id}, cycle 2026-04 (beyond retention): orders paid net of "
        "refunds 180.00 in the ledger, the yearly/monthly rollups say 181.00",
    ]
