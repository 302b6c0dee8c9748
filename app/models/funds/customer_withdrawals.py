"""Customer withdrawals: a customer taking out its own cash frozen by a REFERRAL -> RESELLER
switch, reviewed by the platform like a partner's withdrawal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import Money, UTCDateTime
from app.models.funds.enums import WithdrawalStatus


class CustomerWithdrawal(Base):
    """A customer's request to pay out frozen own cash to a bank account in its real name."""

    __tablename__ = "customer_withdrawals"
    __table_args__ = (
        Index("ix_customer_withdrawals_partner_created", "partner_id", "created_at", "id"),
        Index(
            "ix_customer_withdrawals_partner_customer",
            "partner_id",
            "customer_id",
            "created_at",
            "id",
        ),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    status: Mapped[WithdrawalStatus] = mapped_column(enum_column(WithdrawalStatus))
    amount: Mapped[Decimal] = mapped_column(Money(2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    account_holder: Mapped[str] = mapped_column(String(200))
    bank_name: Mapped[str] = mapped_column(String(100))
    card_number: Mapped[str] = mapped_column(String(40))
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set at approval: the business date by which the platform must pay (working days).
    due_date: Mapped[date | None] = mapped_column(Date)
    # When the `funds.withdrawals-overdue` job flagged it to the platform (once).
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(CustomerWithdrawal, customer_id="customers")
