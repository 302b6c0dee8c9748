"""SQLAlchemy ORM tables (no business logic). Importing this package registers every table."""

from app.models.adjustments import Adjustment
from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.customers import CloudAccount, Customer
from app.models.funds import CustomerAccount, LedgerEntry, LedgerTransaction, PartnerAccount
from app.models.idempotency import IdempotencyKey
from app.models.jobs import JobRun
from app.models.partners import Partner, PartnerUser
from app.models.recharges import Recharge
from app.models.resources import Resource
from app.models.tokens import ApiToken
from app.models.withdrawals import Withdrawal, WithdrawalSource

__all__ = [
    "Adjustment",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CloudAccount",
    "Customer",
    "CustomerAccount",
    "IdempotencyKey",
    "JobRun",
    "LedgerEntry",
    "LedgerTransaction",
    "Partner",
    "PartnerAccount",
    "PartnerUser",
    "Recharge",
    "Resource",
    "Withdrawal",
    "WithdrawalSource",
]
