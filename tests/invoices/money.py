"""Invoiceable money for the invoices tests, invoices in any state (`invoice_in`), the
invoice documents the tests send, and shortcuts to request and move invoices through the
services.

Money is made the way a partner makes it: a RESELLER customer is allocated the partner's
cash and consumes it (one on-demand resource at 1.00 an hour, so `consume(..., "12.34", day)`
charges exactly 12.34 for `day`, in `day`'s bill cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceProfile,
    Partner,
    PartnerUser,
    Resource,
)
from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind
from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.funds import adjustments
from app.services.invoices import requests, transitions
from app.services.invoices.invoiceable import invoiceable
from tests.consumption.helpers import at, ingest, make_product, on_demand_resource, usage
from tests.factories import global_id, make_customer
from tests.funds.helpers import acting_as, platform, recharge
from tests.invoices.helpers import World, make_profile

INVOICE_FIELDS = (
    "id status invoiceType titleType title taxId item amount { amount } invoiceNumber "
    "issueDate rejectReason returnReason returnRefusalReason requestedAt issuedAt rejectedAt "
    "cancelledAt returnRequestedAt returnedAt updatedAt lines { cycle amount { amount } } "
    "profile { id }"
)


def _mutation(name: str, input_type: str) -> str:
    return f"""
mutation M($input: {input_type}!) {{
  {name}(input: $input) {{
    invoice {{ {INVOICE_FIELDS} }}
    userErrors {{ code field message }}
  }}
}}
"""


REQUEST = _mutation("requestInvoice", "RequestInvoiceInput")
CANCEL = _mutation("cancelInvoiceRequest", "InvoiceIdInput")
ISSUE = _mutation("issueInvoice", "IssueInvoiceInput")
REJECT = _mutation("rejectInvoice", "InvoiceReasonInput")
RETURN = _mutation("requestInvoiceReturn", "InvoiceReasonInput")
CONFIRM = _mutation("confirmInvoiceReturn", "InvoiceIdInput")
REFUSE = _mutation("refuseInvoiceReturn", "InvoiceReasonInput")

INVOICEABLE = """
query Invoiceable($from: String, $to: String, $partnerId: ID) {
  invoiceableAmount(cycleFrom: $from, cycleTo: $to, partnerId: $partnerId) {
    cycles {
      cycle paid { amount } refunded { amount } referral { amount }
      requested { amount } invoiced { amount } returned { amount } invoiceable { amount }
    }
    paid { amount } refunded { amount } referral { amount } requested { amount }
    invoiced { amount } returned { amount } invoiceable { amount } requestable { amount }
    invoicedNotReturned { amount }
  }
}
"""


@dataclass
class Spender:
    """A RESELLER customer of the partner with allocated cash and a resource billed 1.00/h."""

    partner: Partner
    customer: Customer
    resource: Resource


async def spender(
    session: AsyncSession, partner: Partner, admin: PartnerUser, funds: str = "1000.00", **kw: Any
) -> Spender:
    await recharge(session, partner, funds)
    customer = await make_customer(session, partner, **kw)
    await adjustments.adjust_customer_funds(
        acting_as(session, admin), customer.id, AdjustmentKind.ALLOCATE, Decimal(funds)
    )
    product = await make_product(session, unit_price="1.00000000")
    return Spender(partner, customer, await on_demand_resource(session, customer, product))


async def consume(session: AsyncSession, who: Spender, amount: str, day: date) -> None:
    """The customer consumes exactly `amount` of `day` (on its allocated cash)."""
    result = await ingest(session, [usage(who.resource, at(day, 3), amount)])
    assert not getattr(result, "rejected", None), result


async def referral_customer(session: AsyncSession, partner: Partner) -> Customer:
    return await make_customer(session, partner, association_type=AssociationType.REFERRAL)


def iid(invoice_id: int) -> str:
    return global_id("Invoice", invoice_id)


async def request(
    session: AsyncSession,
    user: PartnerUser,
    profile_id: int,
    *,
    amount: str | None = None,
    cycles: list[str] | None = None,
) -> int:
    """An invoice requested through the service (no idempotency key); returns its id."""
    return await requests.request_invoice(
        acting_as(session, user),
        profile_id,
        cycles,
        Decimal(amount) if amount is not None else None,
    )


async def issue(session: AsyncSession, invoice_id: int, number: str, day: date) -> None:
    await transitions.issue_invoice(platform(session), invoice_id, number, day)


async def requestable(session: AsyncSession, partner: Partner) -> Decimal:
    return (await invoiceable(platform(session), partner.id)).total


async def invoice_row(session: AsyncSession, partner: Partner, invoice_id: int) -> Invoice:
    row = await session.scalar(
        select(Invoice)
        .where(Invoice.partner_id == partner.id, Invoice.id == invoice_id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def invoice_lines(session: AsyncSession, partner: Partner) -> list[tuple[int, str, str]]:
    rows = await session.execute(
        select(InvoiceLine.invoice_id, InvoiceLine.bill_cycle, InvoiceLine.amount)
        .where(InvoiceLine.partner_id == partner.id)
        .order_by(InvoiceLine.invoice_id, InvoiceLine.bill_cycle)
    )
    return [(i, c, str(a)) for i, c, a in rows.all()]


async def state(session: AsyncSession, partner: Partner) -> list[tuple[Any, ...]]:
    """Every invoice of the partner (its reasons too) and its lines: what a refused call must
    leave as it was."""
    rows = await session.scalars(
        select(Invoice)
        .where(Invoice.partner_id == partner.id)
        .order_by(Invoice.id)
        .execution_options(populate_existing=True)
    )
    invoices = [
        (
            *(r.id, r.status, str(r.amount), r.invoice_number, r.issue_date, r.updated_at),
            *(r.reject_reason, r.return_reason, r.return_refusal_reason),
        )
        for r in rows
    ]
    return [*invoices, *await invoice_lines(session, partner)]


DAY = date(2026, 5, 10)  # the consumption invoiced: cycle 2026-05
TODAY = date(2026, 6, 15)  # the frozen clock's business date
_numbers = count(10_000_001)


def number() -> str:
    """A fresh 8-digit invoice number."""
    return f"{next(_numbers):08d}"


async def billed(session, world: World, amount: str = "300.00") -> InvoiceProfile:
    """`amount` of invoiceable money in 2026-05 and a profile to request it under."""
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, who, amount, DAY)
    return await make_profile(session, world.users[Role.FINANCE])


async def invoice_in(
    session, world: World, profile: InvoiceProfile, status: InvoiceStatus, amount: str = "100.00"
) -> int:
    """An invoice of `amount` requested by FINANCE and taken to `status` through the services."""
    finance = world.users[Role.FINANCE]
    invoice_id = await request(session, finance, profile.id, amount=amount)
    partner = acting_as(session, finance)
    if status is InvoiceStatus.CANCELLED:
        await transitions.cancel_invoice_request(partner, invoice_id)
    elif status is InvoiceStatus.REJECTED:
        await transitions.reject_invoice(platform(session), invoice_id, "抬头有误")
    elif status is not InvoiceStatus.REQUESTED:
        await issue(session, invoice_id, number(), TODAY)
        if status is not InvoiceStatus.ISSUED:
            await transitions.request_invoice_return(partner, invoice_id, "金额有误")
        if status is InvoiceStatus.RETURNED:
            await transitions.confirm_invoice_return(platform(session), invoice_id)
    row = await invoice_row(session, world.partner, invoice_id)
    assert row.status is status
    return invoice_id


async def their_request(session, world: World, amount: str = "50.00") -> int:
    """The other partner's REQUESTED invoice of `amount` (all it has consumed in 2026-05)."""
    admin = world.other_admin
    who = await spender(session, world.other, admin)
    await consume(session, who, amount, DAY)
    profile = await make_profile(session, admin)
    return await request(session, admin, profile.id, amount=amount)
