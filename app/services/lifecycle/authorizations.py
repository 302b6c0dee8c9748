"""Authorizations (申请客户授权): scopes a RESELLER customer grants its partner until an end.

The partner (ADMIN, SALES for managed customers) asks for PROXY_ORDER and/or OPERATIONS with
an end; the customer approves or rejects; either side revokes. PENDING -> ACTIVE | REJECTED |
REVOKED | EXPIRED; ACTIVE -> REVOKED | EXPIRED | ENDED (the association ended, or the customer
switched to REFERRAL). Past `ends_at` a pending or active one reads EXPIRED at once.
`require_authorization` is the check other domains (proxy orders, operations) call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update

from app import clock
from app.models import Authorization, Customer
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AuthorizationScope, AuthorizationStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.models.partners.enums import PrincipalKind
from app.services.core import audit, lapse
from app.services.core.context import ServiceContext
from app.services.core.decisions import Decidable, decide
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.jobs import job
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.scoping import find_visible, visible
from app.services.lifecycle.association_changes import load_current_customer, lock_customer_of
from app.services.lifecycle.association_rules import (
    on_association_ended,
    on_association_type_switched,
)
from app.services.partners.partner_notifications import notify_about

COLUMNS = tuple(Authorization.__table__.columns)
LAPSING = (AuthorizationStatus.PENDING, AuthorizationStatus.ACTIVE)
SCOPE_COLUMNS = {
    AuthorizationScope.PROXY_ORDER: Authorization.proxy_order,
    AuthorizationScope.OPERATIONS: Authorization.operations,
}
MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class AuthorizationFilter:
    customer_id: int | None = None
    statuses: tuple[AuthorizationStatus, ...] | None = None
    scope: AuthorizationScope | None = None


def effective_status(row: Any) -> AuthorizationStatus:
    return lapse.effective_status(row.status, row.ends_at, LAPSING, AuthorizationStatus.EXPIRED)


def scopes_of(row: Any) -> list[AuthorizationScope]:
    return [s for s in AuthorizationScope if getattr(row, SCOPE_COLUMNS[s].key)]


def _status_in(statuses: Sequence[AuthorizationStatus]) -> ColumnElement[bool]:
    return lapse.status_condition(
        Authorization.status, Authorization.ends_at, LAPSING, AuthorizationStatus.EXPIRED, statuses
    )


def _snapshot(row: Authorization) -> dict[str, Any]:
    return {"status": row.status, "scopes": scopes_of(row), "ends_at": row.ends_at}


async def request_authorization(
    ctx: ServiceContext,
    customer_id: int | None,
    scopes: Sequence[AuthorizationScope],
    ends_at: datetime,
    note: str = "",
) -> int:
    """Ask a RESELLER customer for scopes until `ends_at` (ADMIN, SALES)."""
    ctx.principal.require(Permission.ACQUISITION)
    if not scopes:
        raise DomainError(ErrorCode.INVALID_INPUT, "Ask for at least one scope.", ["scopes"])
    if len(set(scopes)) != len(scopes):
        raise DomainError(ErrorCode.INVALID_INPUT, "A scope is repeated.", ["scopes"])
    if ends_at.tzinfo is None or ends_at <= clock.now():
        raise DomainError(ErrorCode.INVALID_INPUT, "The end must be in the future.", ["endsAt"])
    if len(note.strip()) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID_INPUT, "A note has at most 500 characters.", ["note"])
    customer = await load_current_customer(ctx, customer_id)
    if customer.association_type is not AssociationType.RESELLER:
        raise DomainError(
            ErrorCode.REFERRAL_MODE,
            "Authorizations are asked of RESELLER customers only.",
            ["customerId"],
        )
    overlapping = await ctx.session.scalar(
        select(Authorization.id).where(
            Authorization.partner_id == customer.partner_id,
            Authorization.customer_id == customer.id,
            _status_in([AuthorizationStatus.PENDING]),
            or_(*(SCOPE_COLUMNS[s].is_(True) for s in scopes)),
        )
    )
    if overlapping is not None:
        raise DomainError(
            ErrorCode.AUTHORIZATION_ALREADY_PENDING,
            "A request for one of these scopes already awaits the customer's answer.",
            ["scopes"],
        )
    authorization = Authorization(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        proxy_order=AuthorizationScope.PROXY_ORDER in scopes,
        operations=AuthorizationScope.OPERATIONS in scopes,
        status=AuthorizationStatus.PENDING,
        note=note.strip(),
        ends_at=ends_at,
        requested_by_id=ctx.principal.user_id,
        requested_at=clock.now(),
    )
    ctx.session.add(authorization)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "authorization.request",
        "Authorization",
        authorization.id,
        partner_id=customer.partner_id,
        after={"customer_id": customer.id, **_snapshot(authorization)},
    )
    return authorization.id


async def _load(
    ctx: ServiceContext, authorization_id: int | None, allowed: Sequence[AuthorizationStatus]
) -> Authorization:
    await lock_customer_of(ctx, Authorization, authorization_id)
    authorization = await find_visible(
        ctx, Authorization, authorization_id, "No such authorization.", lock=True
    )
    status = effective_status(authorization)
    if status not in allowed:
        raise DomainError(ErrorCode.INVALID_STATE, f"The authorization is {status.value}.", ["id"])
    return authorization


ANSWER = Decidable(
    "Authorization", decided_at=("answered_at",), reason="rejection_reason", snapshot=_snapshot
)


async def approve_authorization(ctx: ServiceContext, authorization_id: int | None) -> int:
    """The customer grants the scopes until the requested end."""
    ctx.principal.require_customer()
    authorization = await _load(ctx, authorization_id, [AuthorizationStatus.PENDING])
    customer = await load_current_customer(ctx, authorization.customer_id, field="id")
    if customer.association_type is not AssociationType.RESELLER:
        raise DomainError(
            ErrorCode.REFERRAL_MODE, "Only a RESELLER customer grants authorizations.", ["id"]
        )
    await decide(
        ctx, ANSWER, authorization, AuthorizationStatus.ACTIVE, action="authorization.approve"
    )
    notify_about(ctx, customer, Kind.AUTHORIZATION_APPROVED, ("Authorization", authorization.id))
    return authorization.id


async def reject_authorization(
    ctx: ServiceContext, authorization_id: int | None, reason: str = ""
) -> int:
    """The customer refuses the request."""
    ctx.principal.require_customer()
    if len(reason.strip()) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID_INPUT, "At most 500 characters.", ["reason"])
    authorization = await _load(ctx, authorization_id, [AuthorizationStatus.PENDING])
    await decide(
        ctx,
        ANSWER,
        authorization,
        AuthorizationStatus.REJECTED,
        action="authorization.reject",
        reason=reason.strip(),
    )
    customer = await ctx.session.get(
        Customer, (authorization.partner_id, authorization.customer_id)
    )
    notify_about(
        ctx,
        customer,
        Kind.AUTHORIZATION_REJECTED,
        ("Authorization", authorization.id),
        reason=reason.strip(),
    )
    return authorization.id


async def revoke_authorization(ctx: ServiceContext, authorization_id: int | None) -> int:
    """Either side withdraws a pending request or an active grant (partner: ADMIN, SALES)."""
    if ctx.principal.kind is not PrincipalKind.CUSTOMER:
        ctx.principal.require(Permission.ACQUISITION)
    authorization = await _load(
        ctx, authorization_id, [AuthorizationStatus.PENDING, AuthorizationStatus.ACTIVE]
    )
    before = _snapshot(authorization)
    authorization.status = AuthorizationStatus.REVOKED
    authorization.revoked_at = clock.now()
    authorization.revoked_by = ctx.principal.kind
    await ctx.session.flush()
    await audit.record(
        ctx,
        "authorization.revoke",
        "Authorization",
        authorization.id,
        partner_id=authorization.partner_id,
        before=before,
        after=_snapshot(authorization),
    )
    if ctx.principal.kind is PrincipalKind.CUSTOMER:
        customer = await ctx.session.get(
            Customer, (authorization.partner_id, authorization.customer_id)
        )
        subject = ("Authorization", authorization.id)
        notify_about(ctx, customer, Kind.AUTHORIZATION_REVOKED, subject)
    return authorization.id


async def require_authorization(
    ctx: ServiceContext,
    customer_id: int,
    *scopes: AuthorizationScope,
    field: Sequence[str | int] = ("customerId",),
) -> None:
    """Raise AUTHORIZATION_REQUIRED (at `field`) unless the customer has an active grant of
    one of `scopes` now (a pending, rejected, revoked, expired or ended one does not count)."""
    if not scopes:
        raise ValueError("name at least one scope")
    found = await ctx.session.scalar(
        select(Authorization.id)
        .where(
            visible(ctx.principal, Authorization),
            Authorization.customer_id == customer_id,
            or_(*(SCOPE_COLUMNS[s].is_(True) for s in scopes)),
            _status_in([AuthorizationStatus.ACTIVE]),
        )
        .limit(1)
    )
    if found is None:
        names = " or ".join(s.value for s in scopes)
        raise DomainError(
            ErrorCode.AUTHORIZATION_REQUIRED,
            f"The customer has not granted an active {names} authorization.",
            list(field),
        )


def _filtered(ctx: ServiceContext, f: AuthorizationFilter) -> Any:
    stmt = select(*COLUMNS).where(visible(ctx.principal, Authorization))
    if f.customer_id is not None:
        stmt = stmt.where(Authorization.customer_id == f.customer_id)
    if f.statuses:
        stmt = stmt.where(_status_in(f.statuses))
    if f.scope is not None:
        stmt = stmt.where(SCOPE_COLUMNS[f.scope].is_(True))
    return stmt


async def list_authorizations(
    ctx: ServiceContext, f: AuthorizationFilter, page: PageRequest
) -> Page:
    """Authorizations the caller may see (a customer: its own), newest request first."""
    ordering = Ordering(
        "REQUESTED_AT", Authorization.requested_at, Authorization.id, Direction.DESC
    )
    return await fetch_page(
        ctx.session, _filtered(ctx, f), ordering, page, lambda r: r.requested_at
    )


async def get_authorizations(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*COLUMNS).where(visible(ctx.principal, Authorization), Authorization.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def open_by_customer(
    ctx: ServiceContext, customer_ids: Sequence[int]
) -> dict[int, list[Any]]:
    """Pending and active authorizations of each customer (at most one pending per scope,
    so a short list), in one statement."""
    f = AuthorizationFilter(statuses=(AuthorizationStatus.PENDING, AuthorizationStatus.ACTIVE))
    rows = await ctx.session.execute(
        _filtered(ctx, f)
        .where(Authorization.customer_id.in_(customer_ids))
        .order_by(Authorization.requested_at.desc(), Authorization.id.desc())
    )
    grouped: dict[int, list[Any]] = {cid: [] for cid in customer_ids}
    for row in rows:
        grouped[row.customer_id].append(row)
    return grouped


async def _end_open(ctx: ServiceContext, customer: Customer) -> None:
    now = clock.now()
    await ctx.session.execute(
        update(Authorization)
        .where(
            Authorization.partner_id == customer.partner_id,
            Authorization.customer_id == customer.id,
            _status_in(LAPSING),
        )
        .values(status=AuthorizationStatus.ENDED, ended_at=now)
        .execution_options(synchronize_session=False)
    )


@on_association_ended
async def end_authorizations_with_association(ctx: ServiceContext, customer: Customer) -> None:
    """Open authorizations end with the association."""
    await _end_open(ctx, customer)


@on_association_type_switched
async def end_authorizations_on_referral(
    ctx: ServiceContext, customer: Customer, previous: AssociationType
) -> None:
    """A REFERRAL customer grants no authorizations: switching to it ends them."""
    if customer.association_type is AssociationType.REFERRAL:
        await _end_open(ctx, customer)


@job("authorizations.expire", every=timedelta(minutes=5))
async def expire_authorizations(ctx: ServiceContext) -> str:
    """Pending and active authorizations past their end become EXPIRED."""
    lapsed = (
        await ctx.session.execute(
            select(Authorization.id, Authorization.partner_id, Authorization.status)
            .where(Authorization.status.in_(LAPSING), Authorization.ends_at <= clock.now())
            .order_by(Authorization.id)
            .with_for_update()
        )
    ).all()
    if lapsed:
        await ctx.session.execute(
            update(Authorization)
            .where(Authorization.id.in_([row.id for row in lapsed]))
            .values(status=AuthorizationStatus.EXPIRED)
            .execution_options(synchronize_session=False)
        )
    for row in lapsed:
        await audit.record(
            ctx,
            "authorization.expire",
            "Authorization",
            row.id,
            partner_id=row.partner_id,
            before={"status": row.status},
            after={"status": AuthorizationStatus.EXPIRED},
        )
    return f"{len(lapsed)} authorizations expired"
