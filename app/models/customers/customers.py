"""Cloud accounts (vendor-wide identities) and customers (their associations with partners)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
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
from app.models.customers.enums import AssociationType, CustomerStatus


class CloudAccount(Base):
    """The vendor-wide identity of a cloud customer. Contact data is stored in full."""

    __tablename__ = "cloud_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_name: Mapped[str] = mapped_column(String(100), unique=True)
    company_name: Mapped[str] = mapped_column(String(200))
    # Matching keys of the registration conflict check (see services/company_names.py);
    # whoever sets `company_name` sets `normalized_company_name` with it.
    normalized_company_name: Mapped[str] = mapped_column(String(200), default="", index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(32))
    contact_email: Mapped[str] = mapped_column(String(254))
    industry: Mapped[str] = mapped_column(String(50), default="")
    region: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = created_at_column()


class Customer(Base):
    """One association of a cloud account with one partner.

    `name` and `account_name` are copied from the cloud account (and kept in step by the
    platform-side service that renames one), so the console's customer list filters, sorts and
    pages through one index; contact, industry and region are read from the cloud account.
    """

    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_partner_name", "partner_id", "name", "id"),
        Index("ix_customers_partner_associated", "partner_id", "associated_at", "id"),
        Index("ix_customers_partner_manager", "partner_id", "account_manager_id", "id"),
        # A CUSTOMER principal reads every association of its cloud account, across partners.
        # At most one open association per cloud account: `OpenAssociation` (platform-side).
        Index("ix_customers_cloud_account", "cloud_account_id"),
    )

    id: Mapped[int] = tenant_id_column()
    # The columns `OpenAssociation` mirrors load their old value when set (active_history).
    partner_id: Mapped[int] = tenant_partner_column(active_history=True)
    cloud_account_id: Mapped[int] = mapped_column(
        ForeignKey("cloud_accounts.id"), active_history=True
    )
    name: Mapped[str] = mapped_column(String(200))
    account_name: Mapped[str] = mapped_column(String(100))
    association_type: Mapped[AssociationType] = mapped_column(enum_column(AssociationType))
    status: Mapped[CustomerStatus] = mapped_column(
        enum_column(CustomerStatus), default=CustomerStatus.ACTIVE
    )
    associated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), active_history=True)
    account_manager_id: Mapped[int | None] = mapped_column()
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    remark: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()


co_locate(Customer, account_manager_id="partner_users")
