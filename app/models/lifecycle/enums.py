"""The lifecycle domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/lifecycle/enums.py` adds the
descriptions); there is no second copy.
"""

from enum import StrEnum


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
