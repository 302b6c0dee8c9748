"""Invoices (发票): a partner's requests, what the platform issued, and returns (退票)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import Money, UTCDateTime
from app.models.invoices.enums import InvoiceStatus, InvoiceTitleType, InvoiceType

INVOICE_ITEM = "云服务费"


class Invoice(Base):
    """One invoice request of a partner, and the invoice the platform issued for it.

    The title, tax id and bank details are copied from the profile when requested: a later
    change or deletion of the profile does not change an invoice. `amount` is the sum of its
    lines. The platform's invoice number (发票号码) and issue date are set when issued.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_partner_requested", "partner_id", "requested_at", "id"),
        Index("ix_invoices_partner_status", "partner_id", "status"),
        UniqueConstraint("partner_id", "invoice_number", name="uq_invoices_partner_number"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    profile_id: Mapped[int] = mapped_column()
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus))
    invoice_type: Mapped[InvoiceType] = mapped_column(enum_column(InvoiceType))
    title_type: Mapped[InvoiceTitleType] = mapped_column(enum_column(InvoiceTitleType))
    title: Mapped[str] = mapped_column(String(100))
    tax_id: Mapped[str] = mapped_column(String(18), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    item: Mapped[str] = mapped_column(String(20), default=INVOICE_ITEM)
    amount: Mapped[Decimal] = mapped_column(Money(2))
    requested_by_user_id: Mapped[int | None] = mapped_column()
    requested_at: Mapped[datetime] = created_at_column()
    invoice_number: Mapped[str | None] = mapped_column(String(20))
    issue_date: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str] = mapped_column(Text, default="")
    return_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_refusal_reason: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = created_at_column()


co_locate(Invoice, profile_id="invoice_profiles", requested_by_user_id="partner_users")


class InvoiceLine(Base):
    """What one invoice covers of one bill cycle's invoiceable amount."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        Index("ix_invoice_lines_partner_invoice", "partner_id", "invoice_id"),
        Index("ix_invoice_lines_partner_cycle", "partner_id", "bill_cycle"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    invoice_id: Mapped[int] = mapped_column()
    bill_cycle: Mapped[str] = mapped_column(String(7))
    amount: Mapped[Decimal] = mapped_column(Money(2))


co_locate(InvoiceLine, invoice_id="invoices")
