"""Writing audit events: one per successful mutation, in the mutation's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from app.models import AuditEvent
from app.services.core.context import ServiceContext


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


async def record(
    ctx: ServiceContext,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    partner_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for `action` on one object, with the fields that matter."""
    principal = ctx.principal
    event = AuditEvent(
        partner_id=partner_id,
        principal_kind=principal.kind,
        actor_user_id=principal.user_id,
        actor_customer_id=principal.cloud_account_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        request_id=ctx.request_id,
    )
    ctx.session.add(event)
    return event


async def record_each(
    ctx: ServiceContext,
    action: str,
    object_type: str,
    changed: Iterable[tuple[int, int | None]],
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """One event per changed object, given as `(object id, partner id)` rows (what a job's
    `UPDATE ... RETURNING id, partner_id` answers); returns how many were written.

    Jobs run as the system principal (`Principal.system()`, kind PLATFORM, no user) with the
    request id `job:<name>`, so their events read as the platform's and name the job."""
    written = 0
    for object_id, partner_id in changed:
        await record(
            ctx, action, object_type, object_id, partner_id=partner_id, before=before, after=after
        )
        written += 1
    return written
