"""The customers domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/customers/enums.py` adds the
descriptions); there is no second copy.
"""

from enum import StrEnum


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
