"""SQLAlchemy ORM tables (no business logic). Importing this package registers every table."""

from app.models.adjustments import Adjustment
from app.models.association_changes import AssociationChangeRequest, DisassociationRequest
from app.models.audit import AuditEvent
from app.models.authorizations import Authorization
from app.models.base import Base
from app.models.consumption import (
    BandwidthSample,
    BillCycle,
    ConsumptionCharge,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    PercentileBill,
    UsageRecord,
)
from app.models.customers import CloudAccount, Customer
from app.models.funds import CustomerAccount, LedgerEntry, LedgerTransaction, PartnerAccount
from app.models.idempotency import IdempotencyKey
from app.models.invitations import Invitation, Notification
from app.models.jobs import JobRun
from app.models.orders import Order, OrderLine, OrderPayment, OrderRefund
from app.models.partners import Partner, PartnerUser
from app.models.products import Product
from app.models.recharges import Recharge
from app.models.registrations import Registration, ReservedCompany
from app.models.resources import Resource
from app.models.tokens import ApiToken
from app.models.withdrawals import Withdrawal, WithdrawalSource

__all__ = [
    "Adjustment",
    "ApiToken",
    "AssociationChangeRequest",
    "AuditEvent",
    "Authorization",
    "BandwidthSample",
    "Base",
    "BillCycle",
    "CloudAccount",
    "ConsumptionCharge",
    "ConsumptionDayRollup",
    "ConsumptionDetail",
    "ConsumptionRollup",
    "Customer",
    "CustomerAccount",
    "DisassociationRequest",
    "IdempotencyKey",
    "Invitation",
    "JobRun",
    "LedgerEntry",
    "LedgerTransaction",
    "Notification",
    "Order",
    "OrderLine",
    "OrderPayment",
    "OrderRefund",
    "Partner",
    "PartnerAccount",
    "PartnerUser",
    "PercentileBill",
    "Product",
    "Recharge",
    "Registration",
    "ReservedCompany",
    "Resource",
    "UsageRecord",
    "Withdrawal",
    "WithdrawalSource",
]
