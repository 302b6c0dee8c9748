"""API tokens: random secrets shown once and stored as SHA-256 hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base, created_at_column, enum_column
from app.models.core.types import UTCDateTime
from app.models.partners.enums import PrincipalKind


class ApiToken(Base):
    """A bearer token of one principal: a partner user, a customer or the platform."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    principal_kind: Mapped[PrincipalKind] = mapped_column(enum_column(PrincipalKind))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    # The user (`partner_id`, `partner_user_id`); no foreign key: a platform table can't
    # reference a table distributed by partner (docs/operations.md, "Sharding").
    partner_user_id: Mapped[int | None] = mapped_column()
    # A CUSTOMER principal is a cloud account: it sees every association of that account.
    cloud_account_id: Mapped[int | None] = mapped_column(ForeignKey("cloud_accounts.id"))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Null: no expiry (the CLI's default); the API bounds it (API_TOKEN_MAX_LIFETIME_DAYS).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
