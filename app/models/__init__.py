"""SQLAlchemy ORM tables (no business logic). Importing this package registers every table."""

from app.models.association_changes import AssociationChangeRequest, DisassociationRequest
from app.models.audit import AuditEvent
from app.models.authorizations import Authorization
from app.models.base import Base
from app.models.customers import CloudAccount, Customer
from app.models.invitations import Invitation, Notification
from app.models.jobs import JobRun
from app.models.partners import Partner, PartnerUser
from app.models.registrations import Registration, ReservedCompany
from app.models.resources import Resource
from app.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "AssociationChangeRequest",
    "AuditEvent",
    "Authorization",
    "Base",
    "CloudAccount",
    "Customer",
    "DisassociationRequest",
    "Invitation",
    "JobRun",
    "Notification",
    "Partner",
    "PartnerUser",
    "Registration",
    "ReservedCompany",
    "Resource",
]
