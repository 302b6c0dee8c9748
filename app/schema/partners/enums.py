"""The partners domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.partners.enums import CertificationStatus, ContractingEntity, PrincipalKind, Role
from app.schema.core.enums import graphql_enum

graphql_enum(
    Role,
    "Role of a partner user (DOMAIN.md > Who may do what).",
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


__all__ = [
    "CertificationStatus",
    "ContractingEntity",
    "PrincipalKind",
    "Role",
]
