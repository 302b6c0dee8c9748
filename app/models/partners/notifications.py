"""The partner's own notification stream and who of its users has read what.

Separate from the outbox (`app/models/lifecycle/invitations.py`, `Notification`), which carries
messages in flight with their secrets and is the platform's: these rows hold no secret and are
what a partner's console shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
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
from app.models.partners.enums import PartnerNotificationKind


class PartnerNotification(Base):
    """One thing a partner is told of, about one object (and the customer it concerns)."""

    __tablename__ = "partner_notifications"
    __table_args__ = (
        Index("ix_partner_notifications_partner_created", "partner_id", "created_at", "id"),
        Index("ix_partner_notifications_partner_customer", "partner_id", "customer_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    # The customer it concerns (null: the partner as a whole, e.g. its certification).
    customer_id: Mapped[int | None] = mapped_column()
    kind: Mapped[PartnerNotificationKind] = mapped_column(enum_column(PartnerNotificationKind))
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = created_at_column()


co_locate(PartnerNotification, customer_id="customers")


class PartnerNotificationRead(Base):
    """A partner user has read a notification (read state is per user)."""

    __tablename__ = "partner_notification_reads"
    partner_id: Mapped[int] = tenant_partner_column()
    user_id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())


co_locate(PartnerNotificationRead, user_id="partner_users", notification_id="partner_notifications")
