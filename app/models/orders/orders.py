"""Orders (代客户下单, 代付, 退订): orders, their lines, payments and refunds (tenant-owned)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
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
from app.models.funds.accounts import ZERO
from app.models.orders.enums import (
    OrderKind,
    OrderPayer,
    OrderSource,
    OrderStatus,
    PartnerPaymentStatus,
    PeriodUnit,
)


class Order(Base):
    """An order of one customer: one kind, priced lines, a status (DOMAIN.md > Orders).

    Amounts are at scale 2 and are the sums of the lines' (each line rounded once).
    """

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_partner_created", "partner_id", "created_at", "id"),
        Index("ix_orders_partner_customer", "partner_id", "customer_id", "created_at", "id"),
        Index("ix_orders_partner_status", "partner_id", "status", "close_at"),
        Index("ix_orders_partner_awaiting", "partner_id", "partner_payment_status", "id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    customer_id: Mapped[int] = mapped_column()
    kind: Mapped[OrderKind] = mapped_column(enum_column(OrderKind))
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus))
    source: Mapped[OrderSource] = mapped_column(enum_column(OrderSource))
    created_by_user_id: Mapped[int | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    list_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    discount_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    coupon_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    amount_due: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    refund_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    payer: Mapped[OrderPayer | None] = mapped_column(enum_column(OrderPayer))
    partner_payment_status: Mapped[PartnerPaymentStatus] = mapped_column(
        enum_column(PartnerPaymentStatus), default=PartnerPaymentStatus.NONE
    )
    partner_payment_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    partner_payment_rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    partner_payment_reject_reason: Mapped[str] = mapped_column(String(500), default="")
    # Unpaid orders close at this moment (created + order_close_after_hours).
    close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()


co_locate(Order, customer_id="customers", created_by_user_id="partner_users")


class OrderLine(Base):
    """One priced line; `rules` names the rule behind each number."""

    __tablename__ = "order_lines"
    __table_args__ = (
        Index("ix_order_lines_partner_order", "partner_id", "order_id", "line_no"),
        Index("ix_order_lines_partner_resource", "partner_id", "resource_id", "order_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    order_id: Mapped[int] = mapped_column()
    customer_id: Mapped[int] = mapped_column()
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[OrderKind] = mapped_column(enum_column(OrderKind))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    resource_id: Mapped[int | None] = mapped_column()
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    period_unit: Mapped[PeriodUnit | None] = mapped_column(enum_column(PeriodUnit))
    period_count: Mapped[int | None] = mapped_column(Integer)
    list_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    discount_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    coupon_amount: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    amount_due: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    # The paid time this line buys: [term_start, term_end) (set on completion).
    term_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    term_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rules: Mapped[dict] = mapped_column(JSON, default=dict)


co_locate(OrderLine, order_id="orders", customer_id="customers", resource_id="resources")


class OrderPayment(Base):
    """The one payment of an order, by the partner or the customer."""

    __tablename__ = "order_payments"
    __table_args__ = (
        # An order is paid exactly once, even when two requests race (an order belongs to one
        # partner: with partner_id the rule is the same one).
        UniqueConstraint("partner_id", "order_id", name="uq_order_payments_partner_order"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    order_id: Mapped[int] = mapped_column()
    customer_id: Mapped[int] = mapped_column()
    payer: Mapped[OrderPayer] = mapped_column(enum_column(OrderPayer))
    amount: Mapped[Decimal] = mapped_column(Money(2))
    transaction_id: Mapped[int | None] = mapped_column()
    transaction_no: Mapped[str] = mapped_column(String(32), default="")
    paid_by_user_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


co_locate(
    OrderPayment,
    order_id="orders",
    customer_id="customers",
    transaction_id="ledger_transactions",
    paid_by_user_id="partner_users",
)


class OrderRefund(Base):
    """Money given back for what an order paid for: to whoever paid that order."""

    __tablename__ = "order_refunds"
    __table_args__ = (
        Index("ix_order_refunds_partner_order", "partner_id", "order_id"),
        Index("ix_order_refunds_partner_refunded", "partner_id", "refunded_order_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    # The unsubscribe / downgrade order that caused it.
    order_id: Mapped[int] = mapped_column()
    # The paid order whose money comes back.
    refunded_order_id: Mapped[int] = mapped_column()
    customer_id: Mapped[int] = mapped_column()
    resource_id: Mapped[int | None] = mapped_column()
    payee: Mapped[OrderPayer] = mapped_column(enum_column(OrderPayer))
    amount: Mapped[Decimal] = mapped_column(Money(2))
    rule: Mapped[str] = mapped_column(String(200), default="")
    transaction_id: Mapped[int | None] = mapped_column()
    transaction_no: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = created_at_column()


co_locate(
    OrderRefund,
    order_id="orders",
    refunded_order_id="orders",
    customer_id="customers",
    resource_id="resources",
    transaction_id="ledger_transactions",
)
