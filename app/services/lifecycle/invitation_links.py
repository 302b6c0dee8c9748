"""Invitation links: the secret token, the link that carries it, and sending it.

The raw token exists only in the link handed over (offline) or in the outbox message that
delivers it (online); the database keeps its SHA-256.
"""

from __future__ import annotations

import secrets

from app.models import Invitation, Partner
from app.models.lifecycle.enums import NotificationChannel
from app.services.core.context import ServiceContext
from app.services.lifecycle import notifications
from app.services.partners.tokens import hash_token
from app.settings import get_settings

TOKEN_PREFIX = "inv_"
TEMPLATE = "customer_invitation"


def new_token() -> tuple[str, str]:
    """A fresh invitation token and its hash."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def invitation_link(raw_token: str) -> str:
    return f"{get_settings().invitation_link_base_url}?token={raw_token}"


def send_invitation(
    ctx: ServiceContext, invitation: Invitation, raw_token: str, partner: Partner
) -> None:
    """Queue the link to each recipient (email and/or SMS)."""
    payload = {
        "invitationId": invitation.id,
        "link": invitation_link(raw_token),
        "partnerName": partner.name,
        "companyName": invitation.company_name,
        "contactName": invitation.contact_name,
        "associationType": invitation.association_type.value,
        "expiresAt": invitation.expires_at.isoformat() if invitation.expires_at else None,
    }
    for channel, recipient in (
        (NotificationChannel.EMAIL, invitation.recipient_email),
        (NotificationChannel.SMS, invitation.recipient_phone),
    ):
        if recipient:
            notifications.enqueue(
                ctx,
                partner_id=invitation.partner_id,
                channel=channel,
                recipient=recipient,
                template=TEMPLATE,
                payload=payload,
            )
