"""Customers' cloud resources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
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
from app.models.customers.enums import BillingMode, ResourceStatus, ServiceType


class Resource(Base):
    """A cloud resource of a customer (an ECS instance, an OBS bucket, a bandwidth line...)."""

    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_partner_customer", "partner_id", "customer_id", "created_at", "id"),
        Index("ix_resources_partner_created", "partner_id", "created_at", "id"),
        Index("ix_resources_partner_expires", "partner_id", "expires_at", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    service_type: Mapped[ServiceType] = mapped_column(enum_column(ServiceType))
    region: Mapped[str] = mapped_column(String(50))
    spec: Mapped[str] = mapped_column(String(100))
    billing_mode: Mapped[BillingMode] = mapped_column(enum_column(BillingMode))
    status: Mapped[ResourceStatus] = mapped_column(enum_column(ResourceStatus))
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    # The order that created it; a plain id until the orders table exists.
    order_id: Mapped[int | None] = mapped_column()
    # The order line that created it (a plain id, like order_id): what its purchase paid.
    order_line_id: Mapped[int | None] = mapped_column()
    # The catalog product it runs as (what it is rated and renewed at).
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    is_reserved_instance: Mapped[bool] = mapped_column(Boolean, default=False)
    is_support_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the owner's arrears moved it to GRACE_PERIOD; null when arrears did not stop it.
    arrears_grace_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


co_locate(Resource, customer_id="customers")
