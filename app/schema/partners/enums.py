"""The partners domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.partners.enums import (
    CertificationStatus,
    ContractingEntity,
    PartnerNotificationKind,
    PrincipalKind,
    Role,
)
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
        "CERTIFIED": "Certified and in force now (see `certificationExpiresAt`).",
        "EXPIRED": "Expired (the validity has passed): may read, not register, invite, order "
        "or allocate funds until the platform certifies it again.",
    },
)

graphql_enum(
    PartnerNotificationKind,
    "What a partner notification tells of.",
    {
        "CERTIFICATION_RENEWED": "The platform certified or renewed the partner.",
        "CERTIFICATION_EXPIRING": "The certification ends soon (sent once per validity).",
        "CERTIFICATION_EXPIRED": "The certification has expired.",
        "REGISTRATION_APPROVED": "The platform approved a registration.",
        "REGISTRATION_EXPIRING": "An approved registration lapses soon: invite the customer "
        "(sent once per registration).",
        "REGISTRATION_REJECTED": "The platform rejected a registration (with a reason).",
        "REGISTRATION_EXPIRED": "An approved registration lapsed without an association.",
        "INVITATION_ACCEPTED": "A customer accepted an invitation: a new customer.",
        "AUTHORIZATION_APPROVED": "A customer approved an authorization request.",
        "AUTHORIZATION_REJECTED": "A customer rejected an authorization request.",
        "AUTHORIZATION_REVOKED": "A customer revoked an authorization.",
        "ASSOCIATION_CHANGE_CONFIRMED": "A customer confirmed a disassociation or type switch.",
        "ASSOCIATION_CHANGE_DECLINED": "A customer declined a disassociation or type switch.",
        "DISASSOCIATION_REQUESTED": "A customer asked to end its association.",
        "DISASSOCIATION_AUTO_APPROVED": "An unanswered customer disassociation request was "
        "approved automatically.",
        "DISASSOCIATION_AUTO_APPROVAL_BLOCKED": "An unanswered customer disassociation request "
        "could not be approved automatically (its preconditions fail): answer it.",
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
    "PartnerNotificationKind",
    "PrincipalKind",
    "Role",
    "TokenStatus",
]
