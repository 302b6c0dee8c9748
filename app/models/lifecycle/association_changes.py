"""Requests to end an association or switch its type, from the partner or the customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import UTCDateTime
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import (
    AssociationChangeKind,
    AssociationChangeStatus,
    DisassociationRequestStatus,
)


class AssociationChangeRequest(Base):
    """A partner's request (ADMIN) to disassociate a customer or switch its type."""

    __tablename__ = "association_change_requests"
    __table_args__ = (
        Index(
            "ix_association_change_requests_partner_customer",
            "partner_id",
            "customer_id",
            "requested_at",
            "id",
        ),
        Index(
            "ix_association_change_requests_partner_requested", "partner_id", "requested_at", "id"
        ),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    kind: Mapped[AssociationChangeKind] = mapped_column(enum_column(AssociationChangeKind))
    from_type: Mapped[AssociationType] = mapped_column(enum_column(AssociationType))
    # The type asked for (type switches only).
    to_type: Mapped[AssociationType | None] = mapped_column(enum_column(AssociationType))
    status: Mapped[AssociationChangeStatus] = mapped_column(enum_column(AssociationChangeStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="")


co_locate(AssociationChangeRequest, customer_id="customers", requested_by_id="partner_users")


class DisassociationRequest(Base):
    """A customer's request to leave its partner, which the partner's ADMIN answers."""

    __tablename__ = "disassociation_requests"
    __table_args__ = (
        Index(
            "ix_disassociation_requests_partner_customer",
            "partner_id",
            "customer_id",
            "filed_at",
            "id",
        ),
        Index("ix_disassociation_requests_partner_filed", "partner_id", "filed_at", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    status: Mapped[DisassociationRequestStatus] = mapped_column(
        enum_column(DisassociationRequestStatus)
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    auto_approve_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column()
    auto_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # Error codes that held up the last auto-approval attempt (empty once it went through).
    blocked_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    blocked_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(DisassociationRequest, customer_id="customers", answered_by_id="partner_users")
