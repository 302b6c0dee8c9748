"""The platform-side copy of what the registration conflict check reads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base, enum_column
from app.models.core.platform_keys import mirror
from app.models.core.types import UTCDateTime
from app.models.lifecycle.enums import RegistrationStatus
from app.models.lifecycle.registrations import Registration

# The statuses in which a registration can hold its company (an approved one until it lapses).
HOLDING = (RegistrationStatus.PENDING_REVIEW, RegistrationStatus.APPROVED)


class RegistrationClaim(Base):
    """A registration that may hold its company, whatever partner: one pending review, or
    one approved (it holds the company until `expires_at`, exclusive).

    "Is this company free?" looks a company up across every partner by its normalized name
    or credit code; it reads these rows instead of every partner's registrations. Keyed by
    the registration (`partner_id`, `registration_id`) and written with it
    (`app.models.core.platform_keys`): a registration leaving review or approval (rejected,
    withdrawn, associated, expired) takes its row away. `registration_id` has no foreign key,
    since a platform table can't reference a table distributed by partner."""

    __tablename__ = "registration_claims"
    __table_args__ = (
        Index("ix_registration_claims_name", "normalized_name"),
        Index("ix_registration_claims_code", "credit_code"),
    )

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id"), primary_key=True, autoincrement=False
    )
    registration_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    normalized_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def _claim(values: Mapping[str, Any]) -> dict[str, Any] | None:
    if values["status"] not in HOLDING:
        return None
    return {
        name: values[name]
        for name in ("partner_id", "normalized_name", "credit_code", "status", "expires_at")
    }


mirror(
    Registration,
    RegistrationClaim.__table__,
    owner="registration_id",
    watch=("partner_id", "normalized_name", "credit_code", "status", "expires_at"),
    row=_claim,
)
