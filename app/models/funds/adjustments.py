"""Adjustments (调账): allocations to and retrievals from customer accounts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import Money
from app.models.funds.enums import AdjustmentKind


class Adjustment(Base):
    """One allocation or retrieval, tied to its ledger transaction."""

    __tablename__ = "adjustments"
    __table_args__ = (
        Index("ix_adjustments_partner_created", "partner_id", "created_at", "id"),
        Index("ix_adjustments_partner_customer", "partner_id", "customer_id", "created_at", "id"),
        Index("ix_adjustments_partner_transaction", "partner_id", "transaction_no"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    kind: Mapped[AdjustmentKind] = mapped_column(enum_column(AdjustmentKind))
    amount: Mapped[Decimal] = mapped_column(Money(2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    remark: Mapped[str] = mapped_column(Text, default="")
    transaction_id: Mapped[int] = mapped_column()
    transaction_no: Mapped[str] = mapped_column(String(32))
    created_by_user_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


co_locate(
    Adjustment,
    customer_id="customers",
    transaction_id="ledger_transactions",
    created_by_user_id="partner_users",
)
