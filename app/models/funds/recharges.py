"""Recharges: money entering a partner's (or a REFERRAL customer's) account."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, String
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
from app.models.funds.enums import RechargeChannel, RechargeStatus, RemittanceAccountKind


class Recharge(Base):
    """A recharge order (online) or an incoming bank transfer.

    For partner recharges `remaining` is what is left of it in the allocatable balance:
    spending draws on the oldest recharge first, and money coming back (retrievals, refunds)
    refills the newest drawn recharge first, so "what is left of each recharge" is defined and
    sums to the allocatable balance. Withdrawal routes read it.
    """

    __tablename__ = "recharges"
    __table_args__ = (
        Index("ix_recharges_partner_paid", "partner_id", "paid_at", "id"),
        Index("ix_recharges_partner_created", "partner_id", "created_at", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    # The columns `PaymentReference` mirrors load their old value when set (active_history).
    partner_id: Mapped[int] = tenant_partner_column(active_history=True)
    # Set for a REFERRAL customer's own recharge; null for the partner's.
    customer_id: Mapped[int | None] = mapped_column()
    channel: Mapped[RechargeChannel] = mapped_column(
        enum_column(RechargeChannel), active_history=True
    )
    amount: Mapped[Decimal] = mapped_column(Money(2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    status: Mapped[RechargeStatus] = mapped_column(enum_column(RechargeStatus))
    # Confirms one recharge across partners: `PaymentReference` (platform-side) holds that rule.
    payment_reference: Mapped[str | None] = mapped_column(String(64), active_history=True)
    # BANK_TRANSFER: the partner's dedicated remittance account or the vendor's general one.
    remittance_account: Mapped[RemittanceAccountKind | None] = mapped_column(
        enum_column(RemittanceAccountKind)
    )
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remaining: Mapped[Decimal] = mapped_column(Money(2), default=Decimal("0.00"))
    # Taken by withdrawals (held or paid out): never refilled by returning money.
    withdrawn: Mapped[Decimal] = mapped_column(Money(2), default=Decimal("0.00"))
    transaction_id: Mapped[int | None] = mapped_column()
    created_by_user_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


co_locate(
    Recharge,
    customer_id="customers",
    transaction_id="ledger_transactions",
    created_by_user_id="partner_users",
)
