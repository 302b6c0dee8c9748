"""The orders domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/orders/enums.py` adds the
descriptions); there is no second copy.
"""

from enum import StrEnum


class OrderKind(StrEnum):
    NEW = "NEW"
    RENEW = "RENEW"
    CHANGE_SPEC = "CHANGE_SPEC"
    UNSUBSCRIBE = "UNSUBSCRIBE"


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


class OrderSource(StrEnum):
    PROXY = "PROXY"
    CUSTOMER = "CUSTOMER"


class OrderPayer(StrEnum):
    PARTNER = "PARTNER"
    CUSTOMER = "CUSTOMER"


class PartnerPaymentStatus(StrEnum):
    NONE = "NONE"
    REQUESTED = "REQUESTED"
    REJECTED = "REJECTED"
    PAID = "PAID"


class PeriodUnit(StrEnum):
    MONTH = "MONTH"
    YEAR = "YEAR"
