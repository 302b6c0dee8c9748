"""The notification outbox as the platform reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.globalid import to_global_id
from app.schema.core.relay import Node
from app.schema.lifecycle.enums import NotificationChannel


@strawberry.input(description="Conditions a notification must meet; all given ones apply.")
class NotificationFilter:
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Sent on behalf of, or to, this partner."
    )
    channel: NotificationChannel | None = strawberry.field(default=None, description="Channel.")
    template: str | None = strawberry.field(
        default=None,
        description="Template name, e.g. customer_invitation, customer_disassociation_blocked.",
    )
    recipient: str | None = strawberry.field(
        default=None, description="Recipient (email, phone or console address), exactly."
    )


NotificationFilterInput = NotificationFilter


@strawberry.type(
    description="A message the system would send (the outbox; no mail server). PLATFORM only: "
    "an invitation's message carries its link."
)
class Notification(Node):
    channel: NotificationChannel = strawberry.field(description="Delivery channel.")
    recipient: str = strawberry.field(description="Email, phone or console address.")
    template: str = strawberry.field(description="Which message.")
    payload: JSON = strawberry.field(description="The template's variables.")
    created_at: datetime = strawberry.field(description="When it was queued.")
    sent_at: datetime | None = strawberry.field(description="When it was delivered (null: queued).")

    @classmethod
    def from_row(cls, row: Any) -> Notification:
        return cls(
            id=strawberry.ID(to_global_id("Notification", row.id)),
            channel=row.channel,
            recipient=row.recipient,
            template=row.template,
            payload=row.payload,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
