"""The notification outbox: what the system would send by email, SMS or to the console.

No mail server: a row per message, written in the transaction that decided to send it, for a
sender process to deliver. The outbox carries secrets in flight (an online invitation's
link), so only the platform reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Notification
from app.models.lifecycle.enums import NotificationChannel
from app.services.core.context import ServiceContext
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.scoping import visible

COLUMNS = tuple(Notification.__table__.columns)


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    partner_id: int | None = None
    channel: NotificationChannel | None = None
    template: str | None = None
    recipient: str | None = None


def enqueue(
    ctx: ServiceContext,
    *,
    partner_id: int | None,
    channel: NotificationChannel,
    recipient: str,
    template: str,
    payload: dict[str, Any],
) -> Notification:
    """Add one message to the outbox (delivered after the transaction commits)."""
    notification = Notification(
        partner_id=partner_id,
        channel=channel,
        recipient=recipient,
        template=template,
        payload=payload,
        created_at=clock.now(),
    )
    ctx.session.add(notification)
    return notification


async def list_notifications(ctx: ServiceContext, f: NotificationFilter, page: PageRequest) -> Page:
    """The outbox, newest first (PLATFORM only)."""
    ctx.principal.require_platform()
    stmt = select(*COLUMNS).where(visible(ctx.principal, Notification))
    if f.partner_id is not None:
        stmt = stmt.where(Notification.partner_id == f.partner_id)
    if f.channel is not None:
        stmt = stmt.where(Notification.channel == f.channel)
    if f.template is not None:
        stmt = stmt.where(Notification.template == f.template)
    if f.recipient is not None:
        stmt = stmt.where(Notification.recipient == f.recipient)
    ordering = Ordering("CREATED_AT", Notification.created_at, Notification.id, Direction.DESC)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.created_at)


async def get_notifications(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COLUMNS).where(visible(ctx.principal, Notification), Notification.id.in_(ids))
    )
    return {row.id: row for row in rows}
