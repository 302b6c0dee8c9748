"""Withdrawals (提现) and the recharges each one draws on."""

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
from app.models.funds.enums import WithdrawalRoute, WithdrawalStatus


class Withdrawal(Base):
    """A request to take money out, reviewed by the platform."""

    __tablename__ = "withdrawals"
    __table_args__ = (Index("ix_withdrawals_partner_created", "partner_id", "created_at", "id"),)

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    route: Mapped[WithdrawalRoute] = mapped_column(enum_column(WithdrawalRoute))
    status: Mapped[WithdrawalStatus] = mapped_column(enum_column(WithdrawalStatus))
    amount: Mapped[Decimal] = mapped_column(Money(2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    recharge_id: Mapped[int | None] = mapped_column()
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    card_number: Mapped[str] = mapped_column(String(40), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_user_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set at approval: the business date by which the platform must pay (working days).
    due_date: Mapped[date | None] = mapped_column(Date)
    # When the `funds.withdrawals-overdue` job flagged it to the platform (once).
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(Withdrawal, recharge_id="recharges", created_by_user_id="partner_users")


class WithdrawalSource(Base):
    """How much of one recharge a withdrawal took (given back if it is rejected)."""

    __tablename__ = "withdrawal_sources"

    withdrawal_id: Mapped[int] = mapped_column(primary_key=True)
    recharge_id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = tenant_partner_column()
    amount: Mapped[Decimal] = mapped_column(Money(2))


co_locate(WithdrawalSource, withdrawal_id="withdrawals", recharge_id="recharges")
