"""Coupons a partner issues to its customers from a quota, and what each one paid."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Index, String
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
from app.models.coupons.enums import CouponKind, CouponStatus, CouponUsageSource


class Coupon(Base):
    """A CASH coupon (face value) or a DISCOUNT coupon (`rate` = the share the customer pays,
    `cap` = the most it deducts over all its uses) of one customer.

    `value` is what it drew from its quota (the face value, or the cap); `balance` is what it
    can still deduct. `status` is stored; EXPIRED is also effective on read after `valid_to`.
    A coupon is held by at most one unpaid order (`held_by_order_id` until `held_until`,
    that order's close time): the hold is taken at order creation, released by a cancel or
    a close, and turned into a usage at payment.
    """

    __tablename__ = "coupons"
    __table_args__ = (
        Index("ix_coupons_partner_created", "partner_id", "created_at", "id"),
        Index("ix_coupons_partner_customer", "partner_id", "customer_id", "valid_to", "id"),
        Index("ix_coupons_partner_valid_to", "partner_id", "valid_to", "id"),
        Index("ix_coupons_partner_quota", "partner_id", "quota_id", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    quota_id: Mapped[int] = mapped_column()
    customer_id: Mapped[int] = mapped_column()
    kind: Mapped[CouponKind] = mapped_column(enum_column(CouponKind))
    status: Mapped[CouponStatus] = mapped_column(enum_column(CouponStatus))
    face_value: Mapped[Decimal | None] = mapped_column(Money(2))
    # DISCOUNT: the share the customer pays, e.g. 0.85 (15 % off, 8.5折); 4 decimals.
    rate: Mapped[Decimal | None] = mapped_column(Money(4))
    cap: Mapped[Decimal | None] = mapped_column(Money(2))
    value: Mapped[Decimal] = mapped_column(Money(2))
    balance: Mapped[Decimal] = mapped_column(Money(2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime())
    # ServiceType values; empty = every service type.
    service_types: Mapped[list] = mapped_column(JSON, default=list)
    minimum_order_amount: Mapped[Decimal] = mapped_column(Money(2), default=Decimal("0"))
    held_by_order_id: Mapped[int | None] = mapped_column()
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_user_id: Mapped[int | None] = mapped_column()
    reclaimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(
    Coupon,
    quota_id="coupon_quotas",
    customer_id="customers",
    held_by_order_id="orders",
    issued_by_user_id="partner_users",
)


class CouponUsage(Base):
    """What a coupon paid once: at an order's payment, or on a day's on-demand charge."""

    __tablename__ = "coupon_usages"
    __table_args__ = (
        Index("ix_coupon_usages_partner_coupon", "partner_id", "coupon_id", "id"),
        Index("ix_coupon_usages_partner_order", "partner_id", "order_id"),
        Index("ix_coupon_usages_partner_customer_day", "partner_id", "customer_id", "day"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    coupon_id: Mapped[int] = mapped_column()
    customer_id: Mapped[int] = mapped_column()
    source: Mapped[CouponUsageSource] = mapped_column(enum_column(CouponUsageSource))
    order_id: Mapped[int | None] = mapped_column()
    # CONSUMPTION: the business day whose on-demand charge it paid.
    day: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money(2))
    created_at: Mapped[datetime] = created_at_column()


co_locate(CouponUsage, coupon_id="coupons", customer_id="customers", order_id="orders")


class OrderCoupon(Base):
    """A coupon's deduction on one order line (the order's deduction split over the lines
    it applies to, in proportion to their amounts), so refunds and consumption lines know
    each coupon's share. Written at order creation."""

    __tablename__ = "order_coupons"
    __table_args__ = (
        Index("ix_order_coupons_partner_order", "partner_id", "order_id", "coupon_id"),
        Index("ix_order_coupons_partner_coupon", "partner_id", "coupon_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    order_id: Mapped[int] = mapped_column()
    order_line_id: Mapped[int] = mapped_column()
    coupon_id: Mapped[int] = mapped_column()
    # The step it was applied in (0 = first: the DISCOUNT coupon, then CASH coupons).
    position: Mapped[int] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money(2))


co_locate(OrderCoupon, order_id="orders", order_line_id="order_lines", coupon_id="coupons")
