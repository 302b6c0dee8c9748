"""Managing a partner's users (ADMIN): create, re-role or rename, deactivate.

A service account (a BI tool's VIEWER, an ERP integration's FINANCE) is a user like any other,
flagged `service_account` so the console can list it apart; it gets tokens the same way.

Rules:
- the partner keeps at least one active ADMIN: demoting or deactivating the last one is
  refused (`INVALID_STATE`). An ADMIN may demote or deactivate itself while another active
  ADMIN remains (leaving a partner is a normal thing to do), and its token stops working from
  the next request;
- deactivation is final and takes effect at once: the user's live tokens are revoked in the
  same transaction (and authentication refuses any token of a deactivated user), its rows stay
  (audit events and orders name it); a deactivated user can't be changed or get tokens;
- emails are unique per partner, compared case-insensitively.

Every change runs under a lock on the partner row, so two ADMINs demoting each other at once
can't both pass the last-ADMIN check, and an email can't be taken twice.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, update

from app import clock
from app.models import ApiToken, Partner, PartnerUser
from app.models.partners.enums import Role
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.principal import Permission
from app.services.core.scoping import find_visible

MAX_NAME = 100
MAX_EMAIL = 254
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
AUDITED = ("name", "email", "role", "service_account", "deactivated_at")


def _fields(user: PartnerUser) -> dict[str, Any]:
    return {name: getattr(user, name) for name in AUDITED}


def _name(value: str, errors: list[DomainError]) -> str:
    name = value.strip()
    if not name or len(name) > MAX_NAME:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"The name must be 1 to {MAX_NAME} characters.",
                ["name"],
            )
        )
    return name


def _email(value: str, errors: list[DomainError]) -> str:
    email = value.strip()
    if len(email) > MAX_EMAIL or EMAIL.fullmatch(email) is None:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"Not an email address (at most {MAX_EMAIL} characters): {value!r}.",
                ["email"],
            )
        )
    return email


async def _lock_partner(ctx: ServiceContext) -> None:
    await ctx.session.scalar(
        select(Partner.id).where(Partner.id == ctx.principal.partner_id).with_for_update()
    )


async def _user(ctx: ServiceContext, user_id: int | None) -> PartnerUser:
    user: PartnerUser = await find_visible(
        ctx, PartnerUser, user_id, "No such partner user.", ("userId",), lock=True
    )
    return user


def _require_active(user: PartnerUser) -> None:
    if user.deactivated_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "The user is deactivated.", ["userId"])


async def _require_another_admin(ctx: ServiceContext, user: PartnerUser, field: str) -> None:
    """Refuse to leave the partner without an active ADMIN once `user` stops being one."""
    if user.role is not Role.ADMIN:
        return
    others = await ctx.session.scalar(
        select(func.count())
        .select_from(PartnerUser)
        .where(
            PartnerUser.partner_id == user.partner_id,
            PartnerUser.role == Role.ADMIN,
            PartnerUser.deactivated_at.is_(None),
            PartnerUser.id != user.id,
        )
    )
    if not others:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "The partner's last active ADMIN can't be demoted or deactivated; "
            "make another user ADMIN first.",
            [field],
        )


async def create_partner_user(
    ctx: ServiceContext, *, name: str, email: str, role: Role, service_account: bool = False
) -> int:
    """Add a user (or service account) to the caller's partner; returns its id."""
    ctx.principal.require(Permission.USERS_AND_TOKENS)
    errors: list[DomainError] = []
    name, email = _name(name, errors), _email(email, errors)
    if errors:
        raise DomainErrors(errors)
    await _lock_partner(ctx)
    taken = await ctx.session.scalar(
        select(PartnerUser.id).where(
            PartnerUser.partner_id == ctx.principal.partner_id,
            func.lower(PartnerUser.email) == email.lower(),
        )
    )
    if taken is not None:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "The partner already has a user with this email.",
            ["email"],
        )
    user = PartnerUser(
        partner_id=ctx.principal.partner_id,
        name=name,
        email=email,
        role=role,
        service_account=service_account,
    )
    ctx.session.add(user)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "partner_user.create",
        "PartnerUser",
        user.id,
        partner_id=user.partner_id,
        after=_fields(user),
    )
    return user.id


async def update_partner_user(
    ctx: ServiceContext, *, user_id: int | None, role: Role | None = None, name: str | None = None
) -> int:
    """Change a user's role and/or name (a new role applies from its next request)."""
    ctx.principal.require(Permission.USERS_AND_TOKENS)
    if role is None and name is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give a role or a name to change.", [])
    errors: list[DomainError] = []
    new_name = _name(name, errors) if name is not None else None
    if errors:
        raise DomainErrors(errors)
    await _lock_partner(ctx)
    user = await _user(ctx, user_id)
    _require_active(user)
    if role is not None and role is not Role.ADMIN:
        await _require_another_admin(ctx, user, "role")
    before = _fields(user)
    if role is not None:
        user.role = role
    if new_name is not None:
        user.name = new_name
    await ctx.session.flush()
    await audit.record(
        ctx,
        "partner_user.update",
        "PartnerUser",
        user.id,
        partner_id=user.partner_id,
        before=before,
        after=_fields(user),
    )
    return user.id


async def deactivate_partner_user(ctx: ServiceContext, *, user_id: int | None) -> int:
    """Deactivate a user for good and revoke its live tokens, in one transaction."""
    ctx.principal.require(Permission.USERS_AND_TOKENS)
    await _lock_partner(ctx)
    user = await _user(ctx, user_id)
    _require_active(user)
    await _require_another_admin(ctx, user, "userId")
    before = _fields(user)
    now = clock.now()
    user.deactivated_at = now
    revoked = await ctx.session.execute(
        update(ApiToken)
        .where(
            ApiToken.partner_id == user.partner_id,
            ApiToken.partner_user_id == user.id,
            ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    await ctx.session.flush()
    await audit.record(
        ctx,
        "partner_user.deactivate",
        "PartnerUser",
        user.id,
        partner_id=user.partner_id,
        before=before,
        after={**_fields(user), "tokens_revoked": int(revoked.rowcount or 0)},  # type: ignore[attr-defined]
    )
    return user.id
