"""SQLAlchemy ORM tables (no business logic). Importing this package registers every table."""

from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.customers import CloudAccount, Customer
from app.models.jobs import JobRun
from app.models.partners import Partner, PartnerUser
from app.models.resources import Resource
from app.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "CloudAccount",
    "Customer",
    "JobRun",
    "Partner",
    "PartnerUser",
    "Resource",
]
