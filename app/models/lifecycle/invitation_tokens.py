"""The platform-side home of "an invitation token is unique, whatever partner"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base
from app.models.core.platform_keys import mirror
from app.models.lifecycle.invitations import Invitation


class InvitationToken(Base):
    """Which invitation (partner, id) a token's SHA-256 belongs to.

    The customer accepting an invitation doesn't know whose it is: acceptance looks the token
    up here, then reads the invitation by (`partner_id`, `invitation_id`). A hash taken twice
    fails on this primary key. Written with the invitation (and replaced when a resend issues
    a new token); `invitation_id` has no foreign key, since a platform table can't reference a
    table distributed by partner."""

    __tablename__ = "invitation_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    invitation_id: Mapped[int] = mapped_column()


def _token(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"token_hash": values["token_hash"], "partner_id": values["partner_id"]}


mirror(
    Invitation,
    InvitationToken.__table__,
    owner="invitation_id",
    watch=("token_hash", "partner_id"),
    row=_token,
)
