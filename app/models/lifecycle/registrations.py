"""Registrations (报备) of prospective customers, and the vendor's own reserved companies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, String, Text
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
from app.models.lifecycle.enums import RegistrationStatus


class Registration(Base):
    """A partner's reservation of a prospective customer company, reviewed by the platform.

    `normalized_name` and `credit_code` are the matching keys of the conflict check, the one
    cross-partner read (single-column indexes: it looks a company up across all partners).
    """

    __tablename__ = "registrations"
    __table_args__ = (
        Index("ix_registrations_partner_submitted", "partner_id", "submitted_at", "id"),
        Index("ix_registrations_partner_company", "partner_id", "company_name", "id"),
        Index("ix_registrations_partner_status", "partner_id", "status", "expires_at"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    submitted_by_id: Mapped[int] = mapped_column()
    company_name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(32))
    industry: Mapped[str] = mapped_column(String(50), default="")
    region: Mapped[str] = mapped_column(String(50), default="")
    expected_monthly_spend: Mapped[Decimal | None] = mapped_column(Money(2))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # Set on approval: the end of the validity window (exclusive).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # When the partner was told the validity ends soon (`registrations.remind`, once).
    expiry_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    associated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Not `customer_id`: that name would make the scoping helper hide pending registrations
    # from SALES users restricted to the customers they manage.
    associated_customer_id: Mapped[int | None] = mapped_column()


co_locate(Registration, submitted_by_id="partner_users", associated_customer_id="customers")


class ReservedCompany(Base):
    """A company the vendor keeps for itself (direct sales): platform-side, not tenant-owned."""

    __tablename__ = "reserved_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()
