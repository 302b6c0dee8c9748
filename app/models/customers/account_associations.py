"""The platform-side list of a cloud account's associations, ended ones included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base
from app.models.core.platform_keys import mirror
from app.models.customers.customers import Customer


class AccountAssociation(Base):
    """One customer row (an association with one partner, open or ended) of a cloud account.

    A customer principal (a cloud account) sees its own associations, whatever partner, and
    their rows: it reads its (`partner_id`, `customer_id`) pairs here once, when its token is
    checked, instead of every partner's customers. Keyed by the customer row and written with
    it (`app.models.core.platform_keys`); `customer_id` has no foreign key, since a platform
    table can't reference a table distributed by partner."""

    __tablename__ = "account_associations"
    __table_args__ = (Index("ix_account_associations_cloud_account", "cloud_account_id"),)

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id"), primary_key=True, autoincrement=False
    )
    customer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cloud_account_id: Mapped[int] = mapped_column(ForeignKey("cloud_accounts.id"))


def _association(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"partner_id": values["partner_id"], "cloud_account_id": values["cloud_account_id"]}


mirror(
    Customer,
    AccountAssociation.__table__,
    owner="customer_id",
    watch=("partner_id", "cloud_account_id"),
    row=_association,
)
