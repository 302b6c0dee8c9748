"""The step every request-style object shares (registrations, association changes,
disassociation requests, authorizations, withdrawals): the row is loaded in the caller's
scope and locked (`scoping.find_visible(..., lock=True)`), its domain checks that it still
awaits a decision, and then it is decided -- a new status, when, by whom and why -- and the
decision is audited, in one place.

Each domain declares once how its rows record a decision (`Decidable`); the checks that
differ (who may decide, which statuses, the lock order before the row) stay with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from app import clock
from app.services.core import audit
from app.services.core.context import ServiceContext


def status_only(row: Any) -> dict[str, Any]:
    return {"status": row.status}


@dataclass(frozen=True, slots=True)
class Decidable:
    """How one kind of request records a decision."""

    object_type: str
    """Its name in the audit log."""
    decided_at: tuple[str, ...]
    """Columns stamped with the moment of the decision."""
    reason: str | None = None
    """The column that keeps the reason given (a rejection, a decline)."""
    decided_by: str | None = None
    """The column that keeps the deciding partner user's id."""
    snapshot: Callable[[Any], dict[str, Any]] = status_only
    """What the audit event shows of the row, before and after."""
    audit_before: bool = True
    """Whether the audit event carries the row as it was before."""


async def decide(
    ctx: ServiceContext,
    kind: Decidable,
    row: Any,
    status: Enum,
    *,
    action: str,
    reason: str | None = None,
    changes: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Move a checked, locked `row` to `status` and audit it as `action`.

    Stamps `kind.decided_at` with `at` (default: now), `kind.decided_by` with the caller,
    `kind.reason` with `reason` (when given) and sets `changes`; the audit event shows the
    row before (`kind.snapshot`) and after, plus `after`.
    """
    before = kind.snapshot(row) if kind.audit_before else None
    moment = at or clock.now()
    row.status = status
    for column in kind.decided_at:
        setattr(row, column, moment)
    if kind.decided_by is not None:
        setattr(row, kind.decided_by, ctx.principal.user_id)
    if reason is not None:
        assert kind.reason is not None, f"{kind.object_type} keeps no reason"
        setattr(row, kind.reason, reason)
    for column, value in (changes or {}).items():
        setattr(row, column, value)
    await ctx.session.flush()
    await audit.record(
        ctx,
        action,
        kind.object_type,
        row.id,
        partner_id=row.partner_id,
        before=before,
        after={**kind.snapshot(row), **(after or {})},
    )
