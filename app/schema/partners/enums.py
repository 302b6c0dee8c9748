"""The partners domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.partners.enums import CertificationStatus, ContractingEntity, PrincipalKind, Role
from app.schema.core.enums import graphql_enum
from app.services.partners.api_tokens import TokenStatus

graphql_enum(
    Role,
    "Role of a partner user: what it may see and do in the console.",
    {
        "ADMIN": "Everything, incl. association changes.",
        "FINANCE": "Funds, adjustments, payments, invoices, withdrawals.",
        "SALES": "Registrations, invitations, managed customers, proxy orders.",
        "VIEWER": "Read only (BI tools).",
    },
)

graphql_enum(
    PrincipalKind,
    "Kind of authenticated caller.",
    {
        "PARTNER_USER": "A partner's user.",
        "CUSTOMER": "A customer's cloud account.",
        "PLATFORM": "The cloud vendor's side.",
    },
)

graphql_enum(
    CertificationStatus,
    "Whether a partner's certification is in force.",
    {
        "CERTIFIED": "Certified (see the expiry).",
        "EXPIRED": "Expired: may read, not register, order or allocate funds.",
    },
)

graphql_enum(
    ContractingEntity,
    "The partner's contracting entity; it decides withdrawal routes.",
    {
        "HUAWEI_CLOUD_COMPUTING": "Huawei Cloud Computing Technologies Co., Ltd.",
        "OTHER": "Any other contracting entity.",
    },
)

graphql_enum(
    TokenStatus,
    "Whether an API token authenticates now.",
    {
        "ACTIVE": "Authenticates (not revoked, not expired).",
        "EXPIRED": "Past its `expiresAt`: answers 401 UNAUTHENTICATED.",
        "REVOKED": "Revoked (also every token of a deactivated user): answers 401.",
    },
    name="ApiTokenStatus",
)


__all__ = [
    "CertificationStatus",
    "ContractingEntity",
    "PrincipalKind",
    "Role",
    "TokenStatus",
]
