"""Coupon quotas (券额度) the platform grants a partner, and their history."""

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
from app.models.coupons.enums import CouponQuotaRecordKind


class CouponQuota(Base):
    """An amount the partner may issue as coupons within [valid_from, valid_to).

    `remaining` is what is still issuable; every change to it is a `CouponQuotaRecord`
    in the same transaction. `expired_at` is set when the `coupons.expire` job records the
    remainder lost (the quota reads EXPIRED from `valid_to` on, whether or not it ran).
    """

    __tablename__ = "coupon_quotas"
    __table_args__ = (Index("ix_coupon_quotas_partner_valid_to", "partner_id", "valid_to", "id"),)

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    amount: Mapped[Decimal] = mapped_column(Money(2))
    remaining: Mapped[Decimal] = mapped_column(Money(2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime())
    remark: Mapped[str] = mapped_column(String(500), default="")
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()


class CouponQuotaRecord(Base):
    """One line of a quota's history: what changed, by how much, the remainder after."""

    __tablename__ = "coupon_quota_records"
    __table_args__ = (
        Index("ix_coupon_quota_records_partner_quota", "partner_id", "quota_id", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    quota_id: Mapped[int] = mapped_column()
    kind: Mapped[CouponQuotaRecordKind] = mapped_column(enum_column(CouponQuotaRecordKind))
    # Signed change of the remainder (COUPON_LOST: 0, its `amount` says what was lost).
    delta: Mapped[Decimal] = mapped_column(Money(2))
    # The value the line is about (always >= 0): granted, issued, returned, reclaimed, lost.
    amount: Mapped[Decimal] = mapped_column(Money(2))
    remaining_after: Mapped[Decimal] = mapped_column(Money(2))
    coupon_id: Mapped[int | None] = mapped_column()
    created_by_user_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


co_locate(
    CouponQuotaRecord,
    quota_id="coupon_quotas",
    coupon_id="coupons",
    created_by_user_id="partner_users",
)
