"""seed-demo makes invoice profiles of both types and invoices in every state through the
services, with a refund under an issued invoice that holds its money (issue 16, item 6).

As in tests/orders/test_demo_orders.py: on SQLite the session's seeded template is seeded
again (which must create no invoices); on PostgreSQL the demo is seeded twice on the test
database itself.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.demo.seed import seed
from app.models import Invoice, InvoiceLine, InvoiceProfile, Partner
from app.models.invoices.enums import InvoiceStatus, InvoiceType
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal
from app.services.invoices.invoiceable import invoiceable
from app.services.invoices.withdrawal_holds import invoiced_hold
from app.settings import get_settings
from tests.funds.helpers import assert_books_balance


async def assert_demo_invoices(first: list[str], again: list[str], session: AsyncSession) -> None:
    assert any("created demo invoice profiles and invoices" in line for line in first)
    assert not any("created demo invoice" in line for line in again)
    await assert_books_balance(session)
    ctx = ServiceContext(session, Principal.system(), request_id="test")
    partners = list(await session.scalars(select(Partner.id).order_by(Partner.id)))
    assert len(partners) == 2
    for partner_id in partners:
        types = set(
            await session.scalars(
                select(InvoiceProfile.invoice_type).where(InvoiceProfile.partner_id == partner_id)
            )
        )
        assert types == {InvoiceType.VAT_GENERAL, InvoiceType.VAT_SPECIAL}
        statuses = list(
            await session.scalars(select(Invoice.status).where(Invoice.partner_id == partner_id))
        )
        # every state, and exactly one returned and one cancelled
        assert set(statuses) == set(InvoiceStatus)
        assert statuses.count(InvoiceStatus.RETURNED) == 1
        assert statuses.count(InvoiceStatus.CANCELLED) == 1
        # each invoice is the sum of its lines
        sums = dict(
            (
                await session.execute(
                    select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount))
                    .where(InvoiceLine.partner_id == partner_id)
                    .group_by(InvoiceLine.invoice_id)
                )
            ).all()
        )
        for invoice_id, amount in (
            await session.execute(
                select(Invoice.id, Invoice.amount).where(Invoice.partner_id == partner_id)
            )
        ).all():
            assert sums[invoice_id] == amount
        # the refund under the issued invoice holds its money, and nothing is left to invoice
        hold = await invoiced_hold(ctx, partner_id)
        assert hold.amount > Decimal("0.00")
        assert hold.invoices and hold.invoices[0].invoice_number
        assert (await invoiceable(ctx, partner_id)).total == Decimal("0.00")


async def test_demo_invoices(seeded_cli_database):
    # given the template's first seeding (a copy of its file; settings point at it)
    first = seeded_cli_database.seed_output.splitlines()
    database = Database(get_settings())
    try:
        # when it is seeded again
        again = await seed(database)

        # then
        async with database.session() as session:
            await assert_demo_invoices(first, again, session)
    finally:
        await database.dispose()


async def test_demo_invoices_on_postgresql(db, session):
    if db.dialect != "postgresql":
        pytest.skip("on SQLite, test_demo_invoices covers the seed through the SQLite template")

    first = await seed(db)
    again = await seed(db)

    await assert_demo_invoices(first, again, session)
