"""The partners domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/partners/enums.py` adds the
descriptions); there is no second copy.
"""

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
