"""Invoice profiles (发票抬头): the titles a partner's invoices may be made out to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import UTCDateTime
from app.models.invoices.enums import InvoiceTitleType, InvoiceType


class InvoiceProfile(Base):
    """One invoice title of a partner: the company (or person) named, its tax id, the type of
    invoice, and for special invoices the bank, account, address and phone printed on it.

    Optional texts are stored as "" when absent. A deleted profile keeps its row
    (`deleted_at`), so invoices requested under it still name it; it is no longer listed,
    changed or used. At most one live profile of a partner is its default (the service keeps
    that under a lock on the partner row).
    """

    __tablename__ = "invoice_profiles"
    __table_args__ = (
        Index("ix_invoice_profiles_partner_created", "partner_id", "created_at", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    title_type: Mapped[InvoiceTitleType] = mapped_column(enum_column(InvoiceTitleType))
    invoice_type: Mapped[InvoiceType] = mapped_column(enum_column(InvoiceType))
    title: Mapped[str] = mapped_column(String(100))
    tax_id: Mapped[str] = mapped_column(String(18), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_by_user_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(InvoiceProfile, created_by_user_id="partner_users")
