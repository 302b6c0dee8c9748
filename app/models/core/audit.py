"""The audit log: one event per successful mutation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base, created_at_column, enum_column
from app.models.partners.enums import PrincipalKind


class AuditEvent(Base):
    """Who did what to which object, with the fields that changed, and under which request."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_partner_created", "partner_id", "created_at", "id"),
        # the platform reads across partners, newest first
        Index("ix_audit_events_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    principal_kind: Mapped[PrincipalKind] = mapped_column(enum_column(PrincipalKind))
    actor_user_id: Mapped[int | None] = mapped_column()
    actor_customer_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None] = mapped_column()
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = created_at_column()
