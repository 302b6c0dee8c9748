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
