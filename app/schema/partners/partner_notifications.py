"""A partner's own notifications: the type, its filter and `markPartnerNotificationsRead`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.globalid import to_global_id
from app.resolvers.partners import partner_notifications as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import DateTimeRange, Node
from app.schema.partners.enums import PartnerNotificationKind
from app.services.partners.partner_notifications import message

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("app.schema.customers.customers")]


@strawberry.type(
    description="Something the partner is told of (a customer accepted an invitation, an "
    "authorization was answered, a certification expires, ...). Read state is per user."
)
class PartnerNotification(Node):
    row: strawberry.Private[Any]
    kind: PartnerNotificationKind = strawberry.field(description="What it tells of.")
    message: str = strawberry.field(description="The text the console shows.")
    details: JSON = strawberry.field(
        description="The values the message is made of (customerName, reason, expiresAt, ...)."
    )
    created_at: datetime = strawberry.field(description="When it happened.")
    read_at: datetime | None = strawberry.field(
        description="When the caller marked it read (null: unread for the caller)."
    )

    @strawberry.field(description="Whether the caller has read it.")
    def is_read(self) -> bool:
        return self.read_at is not None

    @strawberry.field(
        description="Global id of the object it is about (a registration, an invitation, an "
        "authorization, a request, the partner)."
    )
    def subject_id(self) -> strawberry.ID | None:
        row = self.row
        if row.subject_id is None:
            return None
        return strawberry.ID(to_global_id(row.subject_type, row.subject_id))

    @strawberry.field(
        description="The customer it concerns (null: none, or one the caller can no longer see)."
    )
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from app.schema.customers.customers import Customer

        row = await resolvers.load_customer(info.context, self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> PartnerNotification:
        return cls(
            id=strawberry.ID(to_global_id("PartnerNotification", row.id)),
            row=row,
            kind=row.kind,
            message=message(row.kind, row.payload),
            details=row.payload,
            created_at=row.created_at,
            read_at=row.read_at,
        )


@strawberry.input(description="Conditions a partner notification must meet; all given ones apply.")
class PartnerNotificationFilter:
    kinds: list[PartnerNotificationKind] | None = strawberry.field(
        default=None, description="Any of these kinds."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those about this customer."
    )
    unread: bool | None = strawberry.field(
        default=None, description="true: only those the caller has not read; false: only read."
    )
    created_between: DateTimeRange | None = strawberry.field(
        default=None, description="Created within this range."
    )


@strawberry.input(
    description="Which notifications to mark read for the caller: by id, up to one, or both."
)
class MarkPartnerNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="These notifications (at most 100)."
    )
    up_to_id: strawberry.ID | None = strawberry.field(
        default=None,
        description='This notification and every older one the caller sees ("mark all read" '
        "up to the newest one shown; later ones stay unread).",
    )


@strawberry.type(description="Result of `markPartnerNotificationsRead`.")
class MarkPartnerNotificationsReadPayload:
    notifications: list[PartnerNotification] = strawberry.field(
        description="The notifications named in `ids`, as they are now."
    )
    marked_count: int = strawberry.field(
        description="How many were unread for the caller and are read now."
    )
    unread_count: int | None = strawberry.field(
        description="The caller's unread notifications left (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def mark_partner_notifications_read(
    info: strawberry.Info,
    input: Annotated[
        MarkPartnerNotificationsReadInput, strawberry.argument(description="What to mark read.")
    ],
) -> MarkPartnerNotificationsReadPayload:
    outcome = await resolvers.mark_partner_notifications_read(info.context, input)
    if outcome.value is None:
        return MarkPartnerNotificationsReadPayload(
            notifications=[],
            marked_count=0,
            unread_count=None,
            user_errors=user_errors(outcome.errors),
        )
    return MarkPartnerNotificationsReadPayload(
        notifications=[PartnerNotification.from_row(r) for r in outcome.value.rows],
        marked_count=outcome.value.marked,
        unread_count=await resolvers.unread_count(info.context),
        user_errors=[],
    )
