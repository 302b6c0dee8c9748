"""The lifecycle domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.lifecycle.enums import (
    AssociationChangeKind,
    AssociationChangeStatus,
    AuthorizationScope,
    AuthorizationStatus,
    DisassociationRequestStatus,
    InvitationChannel,
    InvitationStatus,
    NotificationChannel,
    RegistrationStatus,
)
from app.schema.core.enums import graphql_enum
from app.services.lifecycle.invitations import InvitationOrderField
from app.services.lifecycle.registrations import RegistrationOrderField

graphql_enum(
    AssociationChangeKind,
    "What a partner asks to change about an association.",
    {
        "DISASSOCIATION": "End the association (解除关联).",
        "TYPE_SWITCH": "Switch between RESELLER and REFERRAL.",
    },
)

graphql_enum(
    AssociationChangeStatus,
    "Lifecycle of a partner's association change request.",
    {
        "PENDING": "Awaits the customer's answer.",
        "CONFIRMED": "The customer confirmed; the change took effect.",
        "DECLINED": "The customer declined.",
        "EXPIRED": "Unanswered past its deadline; nothing changed.",
    },
)

graphql_enum(
    AuthorizationScope,
    "What a customer lets its partner do for it.",
    {
        "PROXY_ORDER": "代客户下单: place orders for the customer.",
        "OPERATIONS": "代客运维: manage its resources (renew, toggle auto-renew, unsubscribe).",
    },
)

graphql_enum(
    AuthorizationStatus,
    "Lifecycle of an authorization.",
    {
        "PENDING": "Asked; awaits the customer.",
        "ACTIVE": "Granted until endsAt.",
        "REJECTED": "Refused by the customer.",
        "REVOKED": "Withdrawn by the partner or customer.",
        "EXPIRED": "Its end passed.",
        "ENDED": "Ended with the association (or a switch to REFERRAL).",
    },
)

graphql_enum(
    DisassociationRequestStatus,
    "Lifecycle of a customer's disassociation request.",
    {
        "PENDING": (
            "Awaits the partner's answer (auto-approved after the deadline if the preconditions "
            "hold)."
        ),
        "APPROVED": "Approved (by the partner or automatically); the association ended.",
        "REJECTED": "Rejected by the partner (see rejectionReason).",
    },
)

graphql_enum(
    InvitationChannel,
    "How an invitation reaches the customer.",
    {
        "ONLINE": "The system sends the link by email and/or SMS.",
        "OFFLINE": "The partner gets the link (or QR payload) to hand over.",
    },
)

graphql_enum(
    InvitationStatus,
    "Lifecycle of an invitation.",
    {
        "SENT": "Open: the link can be accepted.",
        "ACCEPTED": "Used: the customer associated.",
        "EXPIRED": "The link (or its registration) lapsed unused.",
        "REVOKED": "Revoked by the partner, or ended with its registration.",
    },
)

graphql_enum(
    InvitationOrderField,
    "Fields invitations can be ordered by (ties broken by id).",
    {
        "CREATED_AT": "Creation time.",
        "COMPANY_NAME": "Invited company name.",
    },
)

graphql_enum(
    NotificationChannel,
    "How a notification is delivered.",
    {
        "EMAIL": "An email.",
        "SMS": "A text message.",
        "CONSOLE": "A message in the partner console.",
    },
)

graphql_enum(
    RegistrationStatus,
    "Lifecycle of a registration (报备).",
    {
        "PENDING_REVIEW": "Submitted; awaits the platform's review.",
        "APPROVED": "Approved: the company is reserved for the partner until expiresAt.",
        "REJECTED": "Rejected by the platform (see rejectionReason).",
        "WITHDRAWN": "Given up by the partner.",
        "ASSOCIATED": "The company accepted an invitation and became a customer.",
        "EXPIRED": "Lapsed without an association; the company is free again.",
    },
)

graphql_enum(
    RegistrationOrderField,
    "Fields registrations can be ordered by (ties broken by id).",
    {
        "SUBMITTED_AT": "Submission time.",
        "COMPANY_NAME": "Company name.",
    },
)


__all__ = [
    "AssociationChangeKind",
    "AssociationChangeStatus",
    "AuthorizationScope",
    "AuthorizationStatus",
    "DisassociationRequestStatus",
    "InvitationChannel",
    "InvitationOrderField",
    "InvitationStatus",
    "NotificationChannel",
    "RegistrationOrderField",
    "RegistrationStatus",
]
