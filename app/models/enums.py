"""Enumerations shared by models, services and the schema (the schema adds descriptions)."""

from enum import StrEnum


class CertificationStatus(StrEnum):
    CERTIFIED = "CERTIFIED"
    EXPIRED = "EXPIRED"


class ContractingEntity(StrEnum):
    HUAWEI_CLOUD_COMPUTING = "HUAWEI_CLOUD_COMPUTING"
    OTHER = "OTHER"


class Role(StrEnum):
    ADMIN = "ADMIN"
    FINANCE = "FINANCE"
    SALES = "SALES"
    VIEWER = "VIEWER"


class PrincipalKind(StrEnum):
    PARTNER_USER = "PARTNER_USER"
    CUSTOMER = "CUSTOMER"
    PLATFORM = "PLATFORM"


class AssociationType(StrEnum):
    RESELLER = "RESELLER"
    REFERRAL = "REFERRAL"


class CustomerStatus(StrEnum):
    ACTIVE = "ACTIVE"
    FROZEN = "FROZEN"


class ServiceType(StrEnum):
    ECS = "ECS"
    EVS = "EVS"
    OBS = "OBS"
    CDN = "CDN"
    BANDWIDTH = "BANDWIDTH"
    RDS = "RDS"


class BillingMode(StrEnum):
    YEARLY_MONTHLY = "YEARLY_MONTHLY"
    ON_DEMAND = "ON_DEMAND"


class ResourceStatus(StrEnum):
    ACTIVE = "ACTIVE"
    GRACE_PERIOD = "GRACE_PERIOD"
    FROZEN = "FROZEN"
    EXPIRED = "EXPIRED"
    DELETED = "DELETED"


class RegistrationStatus(StrEnum):
    PENDING_REVIEW = "PENDING_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    ASSOCIATED = "ASSOCIATED"
    EXPIRED = "EXPIRED"


class InvitationChannel(StrEnum):
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"


class InvitationStatus(StrEnum):
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


class NotificationChannel(StrEnum):
    EMAIL = "EMAIL"
    SMS = "SMS"
    CONSOLE = "CONSOLE"


class AssociationChangeKind(StrEnum):
    DISASSOCIATION = "DISASSOCIATION"
    TYPE_SWITCH = "TYPE_SWITCH"


class AssociationChangeStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class DisassociationRequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class AuthorizationScope(StrEnum):
    PROXY_ORDER = "PROXY_ORDER"
    OPERATIONS = "OPERATIONS"


class AuthorizationStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    ENDED = "ENDED"
