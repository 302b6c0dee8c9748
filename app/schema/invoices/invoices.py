"""Invoices: the node with its lines, the list's filter and ordering, and the invoiceable
amount by cycle."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.invoices import invoices as resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.enums import OrderDirection
from app.schema.core.money import Money, money
from app.schema.core.relay import Node
from app.schema.invoices.enums import (
    InvoiceOrderField,
    InvoiceStatus,
    InvoiceTitleType,
    InvoiceType,
)
from app.schema.invoices.profiles import InvoiceProfile
from app.schema.partners.partners import Partner
from app.services.invoices.invoiceable import CycleParts
from app.services.invoices.reads import InvoiceableWindow


@strawberry.type(description="What an invoice covers of one bill cycle's invoiceable amount.")
class InvoiceLine:
    cycle: str = strawberry.field(description="The bill cycle (YYYY-MM).")
    amount: Money = strawberry.field(description="What the invoice takes of it.")

    @classmethod
    def from_row(cls, row: Any) -> InvoiceLine:
        return cls(cycle=row.bill_cycle, amount=money(row.amount))


@strawberry.type(
    description="An invoice (发票) of the vendor to the partner: requested by the partner, "
    "issued or rejected by the platform, and possibly returned (退票). The title and bank "
    "details are those of the profile when requested."
)
class Invoice(Node):
    row: strawberry.Private[Any]
    status: InvoiceStatus = strawberry.field(description="Where it is.")
    invoice_type: InvoiceType = strawberry.field(description="General or special VAT invoice.")
    title_type: InvoiceTitleType = strawberry.field(description="Whom the title names.")
    title: str = strawberry.field(description="The name it is made out to.")
    tax_id: str = strawberry.field(description="The title's tax id (empty for an individual).")
    bank_name: str = strawberry.field(description="Printed bank (empty if none).")
    bank_account: str = strawberry.field(description="Printed bank account (empty if none).")
    address: str = strawberry.field(description="Printed address (empty if none).")
    phone: str = strawberry.field(description="Printed phone (empty if none).")
    item: str = strawberry.field(description='What it is for: always "云服务费".')
    amount: Money = strawberry.field(description="Its amount: the sum of its lines.")
    invoice_number: str | None = strawberry.field(
        description="发票号码, set when issued (8 digits, or 20 for a fully digital invoice)."
    )
    issue_date: date | None = strawberry.field(description="The date it was issued on.")
    requested_at: datetime = strawberry.field(description="When the partner requested it.")
    issued_at: datetime | None = strawberry.field(description="When the platform issued it.")
    reject_reason: str = strawberry.field(description="Why the platform rejected it (or empty).")
    rejected_at: datetime | None = strawberry.field(description="When it was rejected.")
    cancelled_at: datetime | None = strawberry.field(description="When the partner cancelled.")
    return_reason: str = strawberry.field(description="Why the partner asked to return it.")
    return_requested_at: datetime | None = strawberry.field(
        description="When the partner last asked to return it."
    )
    return_refusal_reason: str = strawberry.field(
        description="Why the platform refused the last return request (or empty)."
    )
    returned_at: datetime | None = strawberry.field(description="When it was returned.")
    updated_at: datetime = strawberry.field(description="When its state last changed.")

    @strawberry.field(description="What it covers of each bill cycle, oldest first.")
    async def lines(self, info: strawberry.Info) -> list[InvoiceLine]:
        rows = await info.context.loaders.invoice_lines.load(self.row.id)
        return [InvoiceLine.from_row(r) for r in rows]

    @strawberry.field(description="The profile it was requested under (null once deleted).")
    async def profile(self, info: strawberry.Info) -> InvoiceProfile | None:
        row = await info.context.loaders.invoice_profile.load(self.row.profile_id)
        return None if row is None else InvoiceProfile.from_row(row)

    @strawberry.field(description="The partner it is made out to.")
    async def partner(self, info: strawberry.Info) -> Partner | None:
        row = await partner_resolvers.load_partner(info.context, self.row.partner_id)
        return None if row is None else Partner.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Invoice:
        return cls(
            id=strawberry.ID(to_global_id("Invoice", row.id)),
            row=row,
            status=row.status,
            invoice_type=row.invoice_type,
            title_type=row.title_type,
            title=row.title,
            tax_id=row.tax_id,
            bank_name=row.bank_name,
            bank_account=row.bank_account,
            address=row.address,
            phone=row.phone,
            item=row.item,
            amount=money(row.amount),
            invoice_number=row.invoice_number,
            issue_date=row.issue_date,
            requested_at=row.requested_at,
            issued_at=row.issued_at,
            reject_reason=row.reject_reason,
            rejected_at=row.rejected_at,
            cancelled_at=row.cancelled_at,
            return_reason=row.return_reason,
            return_requested_at=row.return_requested_at,
            return_refusal_reason=row.return_refusal_reason,
            returned_at=row.returned_at,
            updated_at=row.updated_at,
        )


@strawberry.input(description="Conditions on invoices; all given ones apply.")
class InvoiceFilter:
    statuses: list[InvoiceStatus] | None = strawberry.field(
        default=None, description="Any of these states."
    )
    invoice_types: list[InvoiceType] | None = strawberry.field(
        default=None, description="Any of these invoice types."
    )
    cycle: str | None = strawberry.field(
        default=None, description="Covering (a line of) this bill cycle, YYYY-MM."
    )
    requested_from: datetime | None = strawberry.field(
        default=None, description="Requested at or after this moment."
    )
    requested_to: datetime | None = strawberry.field(
        default=None, description="Requested before this moment."
    )
    invoice_number: str | None = strawberry.field(
        default=None, description="Issued with this invoice number."
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only this partner's (the platform's filter; a partner sees its own only).",
    )


@strawberry.input(description="How invoices are sorted.")
class InvoiceOrder:
    field: InvoiceOrderField = strawberry.field(description="Sort key.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Sort direction."
    )


PARTS = {
    "paid": "Paid by the partner: its orders for RESELLER customers and the allocated money "
    "RESELLER customers consumed.",
    "refunded": "Refunds of that money.",
    "referral": "REFERRAL-period consumption and partner-paid orders, never invoiceable to "
    "the partner (the vendor invoices the customer).",
    "requested": "Covered by invoices requested and not yet decided.",
    "invoiced": "Covered by issued invoices not returned (ISSUED, RETURN_REQUESTED).",
    "returned": "Covered by invoices that were returned (invoiceable again).",
}


@strawberry.type(description="One bill cycle's invoiceable amount and what it is made of.")
class InvoiceableCycle:
    cycle: str = strawberry.field(description="The bill cycle (YYYY-MM).")
    paid: Money = strawberry.field(description=PARTS["paid"])
    refunded: Money = strawberry.field(description=PARTS["refunded"])
    net: Money = strawberry.field(description="paid - refunded.")
    referral: Money = strawberry.field(description=PARTS["referral"])
    requested: Money = strawberry.field(description=PARTS["requested"])
    invoiced: Money = strawberry.field(description=PARTS["invoiced"])
    returned: Money = strawberry.field(description=PARTS["returned"])
    invoiceable: Money = strawberry.field(
        description="net - requested - invoiced; negative when a refund came after the cycle "
        "was invoiced."
    )

    @classmethod
    def from_parts(cls, parts: CycleParts) -> InvoiceableCycle:
        return cls(
            cycle=parts.cycle,
            paid=money(parts.paid),
            refunded=money(parts.refunded),
            net=money(parts.net),
            referral=money(parts.referral),
            requested=money(parts.requested),
            invoiced=money(parts.invoiced),
            returned=money(parts.returned),
            invoiceable=money(parts.invoiceable),
        )


@strawberry.type(
    description="The partner's invoiceable amount: paid, not refunded, not yet requested or "
    "invoiced; by cycle and summed over the cycles asked for."
)
class InvoiceableAmount:
    cycles: list[InvoiceableCycle] = strawberry.field(
        description="Each cycle of the window with money or invoices, oldest first."
    )
    paid: Money = strawberry.field(description=PARTS["paid"] + " Summed over the window.")
    refunded: Money = strawberry.field(description=PARTS["refunded"])
    referral: Money = strawberry.field(description=PARTS["referral"])
    requested: Money = strawberry.field(description=PARTS["requested"])
    invoiced: Money = strawberry.field(description=PARTS["invoiced"])
    returned: Money = strawberry.field(description=PARTS["returned"])
    invoiceable: Money = strawberry.field(
        description="The window's cycles' invoiceable amounts summed (may be negative)."
    )
    requestable: Money = strawberry.field(
        description="What `requestInvoice` may ask for now: every cycle's invoiceable amount "
        "summed, never below 0."
    )
    invoiced_not_returned: Money = strawberry.field(
        description="Refunded money still covered by issued invoices: withdrawals can't take "
        "it until those invoices are returned."
    )

    @classmethod
    def from_window(cls, window: InvoiceableWindow) -> InvoiceableAmount:
        return cls(
            cycles=[InvoiceableCycle.from_parts(c) for c in window.cycles],
            paid=money(window.total("paid")),
            refunded=money(window.total("refunded")),
            referral=money(window.total("referral")),
            requested=money(window.total("requested")),
            invoiced=money(window.total("invoiced")),
            returned=money(window.total("returned")),
            invoiceable=money(window.total("invoiceable")),
            requestable=money(window.requestable),
            invoiced_not_returned=money(window.issued_over_net),
        )


async def load_invoice(info: strawberry.Info, invoice_id: int) -> Invoice | None:
    row = await resolvers.load_invoice(info.context, invoice_id)
    return None if row is None else Invoice.from_row(row)
