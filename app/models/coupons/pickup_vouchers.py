"""Pickup vouchers (提货券): one product/spec for one period, held by a customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import UTCDateTime
from app.models.coupons.enums import PickupVoucherStatus
from app.models.orders.enums import PeriodUnit


class PickupVoucher(Base):
    """A voucher for `product_id` for `period_count` `period_unit`s, created by the platform.

    An order line of that product names it (`pickupVoucherId`): the line costs nothing for up
    to the voucher's period. Held by the order at creation (`held_by_order_id` until
    `held_until`), REDEEMED at its payment (`redeemed_order_id`); used once.
    """

    __tablename__ = "pickup_vouchers"
    __table_args__ = (
        Index("ix_pickup_vouchers_partner_created", "partner_id", "created_at", "id"),
        Index("ix_pickup_vouchers_partner_customer", "partner_id", "customer_id", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    period_unit: Mapped[PeriodUnit] = mapped_column(enum_column(PeriodUnit))
    period_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[PickupVoucherStatus] = mapped_column(enum_column(PickupVoucherStatus))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime())
    remark: Mapped[str] = mapped_column(String(500), default="")
    held_by_order_id: Mapped[int | None] = mapped_column()
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redeemed_order_id: Mapped[int | None] = mapped_column()
    redeemed_order_line_id: Mapped[int | None] = mapped_column()
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()


co_locate(
    PickupVoucher,
    customer_id="customers",
    held_by_order_id="orders",
    redeemed_order_id="orders",
    redeemed_order_line_id="order_lines",
)
