"""The orders domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.orders.enums import (
    OrderKind,
    OrderPayer,
    OrderSource,
    OrderStatus,
    PartnerPaymentStatus,
    PeriodUnit,
)
from app.schema.core.enums import graphql_enum
from app.services.orders.reads import OrderOrderField

graphql_enum(
    OrderKind,
    "What an order does; every line of an order has its kind.",
    {
        "NEW": "Buy new resources of catalog products.",
        "RENEW": "Extend yearly/monthly resources.",
        "CHANGE_SPEC": (
            "Move resources to another product; the difference for the remaining period is paid "
            "(upgrade) or refunded (downgrade)."
        ),
        "UNSUBSCRIBE": "Release resources; completes at once with the refund of the unused part.",
    },
)

graphql_enum(
    OrderStatus,
    "Lifecycle of an order: pending payment, paid, completed; or cancelled, or closed unpaid.",
    {
        "PENDING_PAYMENT": "Created, waiting to be paid (or cancelled / closed).",
        "PAID": "Paid; provisioning runs in the same transaction.",
        "COMPLETED": "Resources provisioned, extended, changed or released.",
        "CANCELLED": "Cancelled before payment.",
        "CLOSED": "Left unpaid past the payment window (24 h by default).",
    },
)

graphql_enum(
    OrderSource,
    "Who placed an order.",
    {
        "PROXY": "The partner, for the customer (代下单).",
        "CUSTOMER": "The customer itself.",
    },
)

graphql_enum(
    OrderPayer,
    "Who paid an order, or whom a refund went to.",
    {
        "PARTNER": "The partner's account.",
        "CUSTOMER": "The customer's account.",
    },
)

graphql_enum(
    PartnerPaymentStatus,
    "Where a customer's request for its partner to pay stands (代付).",
    {
        "NONE": "Not asked.",
        "REQUESTED": "Awaiting the partner.",
        "REJECTED": "The partner declined; the customer may pay itself.",
        "PAID": "The partner paid it.",
    },
)

graphql_enum(
    PeriodUnit,
    "Unit of a prepaid period.",
    {
        "MONTH": "Calendar months (1-9).",
        "YEAR": "Years (1-3), at the yearly price.",
    },
)

graphql_enum(
    OrderOrderField,
    "Fields orders can be ordered by (ties broken by id).",
    {
        "CREATED_AT": "Creation time.",
        "AMOUNT_DUE": "Amount due.",
    },
)


__all__ = [
    "OrderKind",
    "OrderOrderField",
    "OrderPayer",
    "OrderSource",
    "OrderStatus",
    "PartnerPaymentStatus",
    "PeriodUnit",
]
