"""Authorizations a RESELLER customer grants its partner (代客户下单, 代客运维)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import UTCDateTime
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.partners.enums import PrincipalKind


class Authorization(Base):
    """A partner's request for scopes on a customer, and (once approved) the grant itself.

    Scopes are two flags so that "has an active PROXY_ORDER scope" is a plain indexed query on
    both databases.
    """

    __tablename__ = "authorizations"
    __table_args__ = (
        Index(
            "ix_authorizations_partner_customer", "partner_id", "customer_id", "requested_at", "id"
        ),
        Index("ix_authorizations_partner_requested", "partner_id", "requested_at", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    proxy_order: Mapped[bool] = mapped_column(Boolean, default=False)
    operations: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[AuthorizationStatus] = mapped_column(enum_column(AuthorizationStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    # End of the grant (exclusive); a pending request lapses at it too.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    requested_by_id: Mapped[int] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[PrincipalKind | None] = mapped_column(enum_column(PrincipalKind))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(Authorization, customer_id="customers", requested_by_id="partner_users")
