"""The product catalog: what can be ordered, at which prices (platform-wide, not tenant-owned)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import Base, created_at_column, enum_column
from app.models.core.types import Money
from app.models.customers.enums import BillingMode, ServiceType


class Product(Base):
    """A service type x region x spec x billing mode, with its list prices.

    YEARLY_MONTHLY products have a monthly price and a yearly price (its own number, usually
    below twelve months); ON_DEMAND products have a unit price per `unit` of usage at scale 8,
    as the vendor's bills carry it.
    """

    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_lookup", "service_type", "region", "spec", "billing_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    service_type: Mapped[ServiceType] = mapped_column(enum_column(ServiceType))
    region: Mapped[str] = mapped_column(String(50))
    spec: Mapped[str] = mapped_column(String(100))
    billing_mode: Mapped[BillingMode] = mapped_column(enum_column(BillingMode))
    unit: Mapped[str] = mapped_column(String(30), default="")
    monthly_price: Mapped[Decimal | None] = mapped_column(Money(2))
    yearly_price: Mapped[Decimal | None] = mapped_column(Money(2))
    unit_price: Mapped[Decimal | None] = mapped_column(Money(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()
