"""The platform-side home of "a payment reference confirms one recharge, whatever partner"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base, enum_column
from app.models.core.platform_keys import mirror
from app.models.funds.enums import RechargeChannel
from app.models.funds.recharges import Recharge


class PaymentReference(Base):
    """Which recharge (partner, id) a channel's payment reference confirmed.

    The platform confirms each (channel, reference) once: a second recharge taking it fails on
    this primary key. Written with the recharge's reference; `recharge_id` has no foreign key,
    since a platform table can't reference a table distributed by partner."""

    __tablename__ = "payment_references"

    channel: Mapped[RechargeChannel] = mapped_column(enum_column(RechargeChannel), primary_key=True)
    payment_reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    recharge_id: Mapped[int] = mapped_column()


def _reference(values: Mapping[str, Any]) -> dict[str, Any] | None:
    if values["payment_reference"] is None:
        return None
    return {
        "channel": values["channel"],
        "payment_reference": values["payment_reference"],
        "partner_id": values["partner_id"],
    }


mirror(
    Recharge,
    PaymentReference.__table__,
    owner="recharge_id",
    watch=("channel", "payment_reference", "partner_id"),
    row=_reference,
)
