"""Resolvers of the notification outbox (PLATFORM)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.context import RequestContext
from app.resolvers.core.ids import require_id
from app.services.core.pagination import Page, PageRequest
from app.services.lifecycle import notifications as service
from app.services.lifecycle.notifications import NotificationFilter

if TYPE_CHECKING:
    from app.schema.lifecycle.notifications import NotificationFilterInput


def to_filter(value: NotificationFilterInput | None) -> NotificationFilter:
    if value is None:
        return NotificationFilter()
    return NotificationFilter(
        partner_id=require_id(value.partner_id, "Partner", "partnerId")
        if value.partner_id is not None
        else None,
        channel=value.channel,
        template=value.template,
        recipient=value.recipient,
    )


async def list_notifications(
    ctx: RequestContext,
    filter: NotificationFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_notifications(ctx.service, to_filter(filter), page)
    ctx.loaders.notification.prime_many(result.rows)
    return result
