"""Invitations of customers to associate with a partner, and the notification outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
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
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus, NotificationChannel


class Invitation(Base):
    """A single-use invitation; only the SHA-256 of its token is kept."""

    __tablename__ = "invitations"
    __table_args__ = (
        Index("ix_invitations_partner_created", "partner_id", "created_at", "id"),
        Index("ix_invitations_partner_company", "partner_id", "company_name", "id"),
        Index("ix_invitations_partner_registration", "partner_id", "registration_id", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    # The columns `InvitationToken` mirrors load their old value when set (active_history).
    partner_id: Mapped[int] = tenant_partner_column(active_history=True)
    registration_id: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int] = mapped_column()
    channel: Mapped[InvitationChannel] = mapped_column(enum_column(InvitationChannel))
    association_type: Mapped[AssociationType] = mapped_column(enum_column(AssociationType))
    company_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    recipient_email: Mapped[str] = mapped_column(String(254), default="")
    recipient_phone: Mapped[str] = mapped_column(String(32), default="")
    # Unique across partners: `InvitationToken` (platform-side) holds that rule and the lookup.
    token_hash: Mapped[str] = mapped_column(String(64), active_history=True)
    status: Mapped[InvitationStatus] = mapped_column(enum_column(InvitationStatus))
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    send_count: Mapped[int] = mapped_column(Integer, default=1)
    # The link's end (exclusive); a registration's invitation never outlives the registration.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Not `customer_id`, so that open invitations stay visible to restricted SALES users.
    accepted_customer_id: Mapped[int | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(
    Invitation,
    registration_id="registrations",
    created_by_id="partner_users",
    accepted_customer_id="customers",
)


class Notification(Base):
    """The outbox of messages the system would send (email, SMS, console). PLATFORM reads it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_partner_created", "partner_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    channel: Mapped[NotificationChannel] = mapped_column(enum_column(NotificationChannel))
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
