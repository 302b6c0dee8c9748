"""A partner's own notifications: what the domains tell a partner of, and who has read what.

Not the outbox (`app/services/lifecycle/notifications.py`): the outbox carries messages in
flight, secrets included (invitation links), and only the platform reads it. These rows hold
no secret; each domain writes one with `notify` in the transaction of the event itself, so a
refused or rolled-back change notifies nobody.

Reading follows the tenant scope (`visible`): a partner's users only; a SALES user restricted
to the customers it manages sees those about its customers and those about no customer.
Read state is per user: one user marking a notification read leaves it unread for the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import clock
from app.models import PartnerNotification, PartnerNotificationRead
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission, Principal
from app.services.core.scoping import visible

MAX_IDS = 100
COLUMNS = tuple(PartnerNotification.__table__.columns)
Read = PartnerNotificationRead

# The console's text of each kind; `{...}` are the notification's details.
MESSAGES: dict[Kind, str] = {
    Kind.CERTIFICATION_RENEWED: "Your certification is in force until {expiresAt}.",
    Kind.CERTIFICATION_EXPIRING: "Your certification expires at {expiresAt}; ask for renewal.",
    Kind.CERTIFICATION_EXPIRED: "Your certification expired at {expiredAt}; registering, "
    "ordering and allocating are paused until it is renewed.",
    Kind.REGISTRATION_APPROVED: "The registration of {companyName} was approved; invite the "
    "customer before {expiresAt}.",
    Kind.REGISTRATION_EXPIRING: "The registration of {companyName} expires at {expiresAt}; "
    "invite the customer before then.",
    Kind.REGISTRATION_REJECTED: "The registration of {companyName} was rejected: {reason}",
    Kind.REGISTRATION_EXPIRED: "The registration of {companyName} expired without an association.",
    Kind.INVITATION_ACCEPTED: "{customerName} accepted your invitation and is now your customer.",
    Kind.AUTHORIZATION_APPROVED: "{customerName} approved your authorization request.",
    Kind.AUTHORIZATION_REJECTED: "{customerName} rejected your authorization request: {reason}",
    Kind.AUTHORIZATION_REVOKED: "{customerName} revoked its authorization.",
    Kind.ASSOCIATION_CHANGE_CONFIRMED: "{customerName} confirmed your request ({change}).",
    Kind.ASSOCIATION_CHANGE_DECLINED: "{customerName} declined your request ({change}).",
    Kind.DISASSOCIATION_REQUESTED: "{customerName} asks to end its association with you.",
    Kind.DISASSOCIATION_AUTO_APPROVED: "{customerName}'s disassociation request was approved "
    "automatically after going unanswered.",
    Kind.DISASSOCIATION_AUTO_APPROVAL_BLOCKED: "{customerName}'s disassociation request could "
    "not be approved automatically ({blockedBy}); answer it.",
}


@dataclass(frozen=True, slots=True)
class PartnerNotificationFilter:
    kinds: tuple[Kind, ...] | None = None
    customer_id: int | None = None
    unread: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class MarkedRead:
    """What `mark_partner_notifications_read` did: the ids it was given, how many it marked."""

    ids: list[int]
    marked: int


def _detail(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_detail(v) for v in value]
    return value


def notify(
    ctx: ServiceContext,
    partner_id: int,
    kind: Kind,
    subject: tuple[str, int | None],
    *,
    customer_id: int | None = None,
    **details: Any,
) -> PartnerNotification:
    """Tell partner `partner_id` of `kind` about `subject` (object type, id), concerning
    `customer_id` if any, in the caller's transaction. `details` fill the message."""
    row = PartnerNotification(
        partner_id=partner_id,
        customer_id=customer_id,
        kind=kind,
        subject_type=subject[0],
        subject_id=subject[1],
        payload={key: _detail(value) for key, value in details.items()},
        created_at=clock.now(),
    )
    ctx.session.add(row)
    return row


def notify_about(
    ctx: ServiceContext,
    customer: Any,
    kind: Kind,
    subject: tuple[str, int | None],
    **details: Any,
) -> PartnerNotification:
    """`notify` the customer's partner of `kind` concerning `customer` (a row with `id`,
    `partner_id`, `name`), its name at the time kept in the details."""
    return notify(
        ctx,
        customer.partner_id,
        kind,
        subject,
        customer_id=customer.id,
        customerName=customer.name,
        **details,
    )


def message(kind: Kind, details: dict[str, Any]) -> str:
    """The notification's text (a missing detail reads as empty)."""
    flat = {k: ", ".join(v) if isinstance(v, list) else v for k, v in details.items()}
    values = defaultdict(str, flat)
    return MESSAGES[kind].format_map(values)


def _readable(principal: Principal) -> Any:
    """Visible notifications with the caller's `read_at` (null: unread)."""
    joined = and_(
        Read.partner_id == PartnerNotification.partner_id,
        Read.notification_id == PartnerNotification.id,
        Read.user_id == principal.user_id,
    )
    return (
        select(*COLUMNS, Read.read_at)
        .outerjoin(Read, joined)
        .where(visible(principal, PartnerNotification))
    )


def _require_reader(ctx: ServiceContext) -> None:
    """Any partner user reads its partner's notifications (customers and the platform have
    their own channels)."""
    ctx.principal.require(Permission.READ)


async def list_partner_notifications(
    ctx: ServiceContext, f: PartnerNotificationFilter, page: PageRequest
) -> Page:
    """The caller's notifications, newest first."""
    _require_reader(ctx)
    stmt = _readable(ctx.principal)
    if f.kinds:
        stmt = stmt.where(PartnerNotification.kind.in_(f.kinds))
    if f.customer_id is not None:
        stmt = stmt.where(PartnerNotification.customer_id == f.customer_id)
    if f.unread is not None:
        stmt = stmt.where(Read.read_at.is_(None) if f.unread else Read.read_at.is_not(None))
    if f.created_from is not None:
        stmt = stmt.where(PartnerNotification.created_at >= f.created_from)
    if f.created_to is not None:
        stmt = stmt.where(PartnerNotification.created_at < f.created_to)
    ordering = Ordering(
        "CREATED_AT", PartnerNotification.created_at, PartnerNotification.id, Direction.DESC
    )
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.created_at)


async def count_unread(ctx: ServiceContext) -> int:
    """How many of the caller's notifications it has not read."""
    _require_reader(ctx)
    stmt = _readable(ctx.principal).where(Read.read_at.is_(None))
    return int(await ctx.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


async def get_partner_notifications(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        _readable(ctx.principal).where(PartnerNotification.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def _resolve(ctx: ServiceContext, ids: Sequence[int | None], up_to_id: int | None) -> Any:
    """The row of `up_to_id` (or None); NOT_FOUND for any id the caller cannot see."""
    wanted = {i for i in [*ids, up_to_id] if i is not None}
    found = await get_partner_notifications(ctx, list(wanted)) if wanted else {}
    errors = [
        DomainError(ErrorCode.NOT_FOUND, "No such notification.", ["ids", index])
        for index, row_id in enumerate(ids)
        if row_id not in found
    ]
    if up_to_id is not None and up_to_id not in found:
        errors.append(DomainError(ErrorCode.NOT_FOUND, "No such notification.", ["upToId"]))
    if errors:
        raise DomainErrors(errors)
    return found.get(up_to_id) if up_to_id is not None else None


async def mark_partner_notifications_read(
    ctx: ServiceContext, ids: Sequence[int | None] = (), up_to_id: int | None = None
) -> MarkedRead:
    """Mark notifications read for the caller: those of `ids`, and with `up_to_id` that one
    and every older one it sees (by creation time, then id), so one that arrives meanwhile
    stays unread. Marking a read one again changes nothing (naturally idempotent)."""
    _require_reader(ctx)
    if not ids and up_to_id is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give `ids`, `upToId` or both.", [])
    if len(ids) > MAX_IDS:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"`ids` takes at most {MAX_IDS} ids; got {len(ids)}.", ["ids"]
        )
    newest = await _resolve(ctx, ids, up_to_id)
    named = [i for i in ids if i is not None]
    condition = PartnerNotification.id.in_(named)
    if newest is not None:
        older = or_(
            PartnerNotification.created_at < newest.created_at,
            and_(
                PartnerNotification.created_at == newest.created_at,
                PartnerNotification.id <= newest.id,
            ),
        )
        condition = condition | older
    unread = (
        await ctx.session.scalars(
            _readable(ctx.principal)
            .where(condition, Read.read_at.is_(None))
            .with_only_columns(PartnerNotification.id)
        )
    ).all()
    marked = await _insert_reads(ctx, sorted(set(unread))) if unread else 0
    principal = ctx.principal
    await audit.record(
        ctx,
        "partner_notification.mark_read",
        "PartnerUser",
        principal.user_id,
        partner_id=principal.partner_id,
        after={"ids": named, "up_to_id": up_to_id, "marked": marked},
    )
    return MarkedRead(ids=named, marked=marked)


async def _insert_reads(ctx: ServiceContext, notification_ids: list[int]) -> int:
    """One row per (user, notification); a concurrent mark of the same one is a no-op (it
    waits for the other and then skips the row). Returns how many rows this call wrote."""
    principal, now = ctx.principal, clock.now()
    rows = [
        {
            "partner_id": principal.partner_id,
            "user_id": principal.user_id,
            "notification_id": notification_id,
            "read_at": now,
        }
        for notification_id in notification_ids
    ]
    session = ctx.session
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = upsert(Read).on_conflict_do_nothing().returning(Read.notification_id)
    written = 0
    for start in range(0, len(rows), 500):
        result = await ctx.session.execute(stmt, rows[start : start + 500])
        written += len(result.all())
    return written
