"""The platform-side home of "a cloud account has at most one open association"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base
from app.models.core.platform_keys import mirror
from app.models.customers.customers import Customer


class OpenAssociation(Base):
    """The one open association (customer row) of a cloud account, whatever partner.

    Keyed by the cloud account: a second open association fails on this primary key. Written
    with the customer row (`app.models.core.platform_keys`); `customer_id` names the row by
    (`partner_id`, id) and has no foreign key, since a platform table can't reference a table
    distributed by partner."""

    __tablename__ = "open_associations"

    cloud_account_id: Mapped[int] = mapped_column(
        ForeignKey("cloud_accounts.id"), primary_key=True, autoincrement=False
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    customer_id: Mapped[int] = mapped_column()


def _open(values: Mapping[str, Any]) -> dict[str, Any] | None:
    if values["ended_at"] is not None:
        return None
    return {"cloud_account_id": values["cloud_account_id"], "partner_id": values["partner_id"]}


mirror(
    Customer,
    OpenAssociation.__table__,
    owner="customer_id",
    watch=("cloud_account_id", "partner_id", "ended_at"),
    row=_open,
)
