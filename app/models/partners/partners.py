"""Partners (solution providers) and their users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import UTCDateTime
from app.models.partners.enums import CertificationStatus, ContractingEntity, Role


class Partner(Base):
    """A solution provider: the tenant every partner-owned row belongs to."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    certified_company_name: Mapped[str] = mapped_column(String(200))
    certification_status: Mapped[CertificationStatus] = mapped_column(
        enum_column(CertificationStatus)
    )
    certification_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the "certification expiring" notice went out for the current validity (null: not
    # yet); a renewal clears it.
    certification_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contracting_entity: Mapped[ContractingEntity] = mapped_column(enum_column(ContractingEntity))
    remittance_account_number: Mapped[str] = mapped_column(String(40), unique=True)
    sales_see_all_customers: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()


class PartnerUser(Base):
    """A person (or a service account: a BI tool, an ERP integration) acting for a partner
    with one role. A deactivated user keeps its row (audit events and orders name it) but
    none of its tokens authenticates any more."""

    __tablename__ = "partner_users"
    __table_args__ = (
        UniqueConstraint("partner_id", "email"),
        Index("ix_partner_users_partner_name", "partner_id", "name", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    service_account: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
