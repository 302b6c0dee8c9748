"""Managing a partner's API tokens (ADMIN): issue one for a user, list them, revoke one.

The raw token is returned once, by `create_api_token`, and stored only as its SHA-256 hash
(`tokens.create_token_row`); nothing reads it back. Only partner-user tokens of the caller's
partner are visible here: another partner's token, a customer's or the platform's reads as
missing (`NOT_FOUND`, or null from `node`).

A token may carry an expiry: in the future and at most `API_TOKEN_MAX_LIFETIME_DAYS` ahead;
without one it lives until revoked (rotate it: create a new one, switch, revoke the old).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from app import clock
from app.models import ApiToken, PartnerUser
from app.models.partners.enums import PrincipalKind, Role
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission, Principal
from app.services.core.scoping import find_visible, visible
from app.services.partners.tokens import create_token_row
from app.settings import get_settings

MAX_LABEL = 100

TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.partner_id,
    ApiToken.partner_user_id,
    ApiToken.label,
    ApiToken.created_at,
    ApiToken.last_used_at,
    ApiToken.expires_at,
    ApiToken.revoked_at,
)


class TokenStatus(StrEnum):
    """Whether a token authenticates now."""

    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


def token_status(row: Any, now: datetime | None = None) -> TokenStatus:
    """REVOKED (also every token of a deactivated user), else EXPIRED past `expires_at`."""
    if row.revoked_at is not None:
        return TokenStatus.REVOKED
    if row.expires_at is not None and row.expires_at <= (now or clock.now()):
        return TokenStatus.EXPIRED
    return TokenStatus.ACTIVE


def _status_condition(status: TokenStatus, now: datetime) -> ColumnElement[bool]:
    live = ApiToken.revoked_at.is_(None)
    if status is TokenStatus.REVOKED:
        return ApiToken.revoked_at.is_not(None)
    if status is TokenStatus.EXPIRED:
        return and_(live, ApiToken.expires_at.is_not(None), ApiToken.expires_at <= now)
    return and_(live, or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))


def _manageable(principal: Principal) -> ColumnElement[bool]:
    """The partner-user tokens of the caller's partner (the scoping helper, narrowed)."""
    return and_(visible(principal, ApiToken), ApiToken.principal_kind == PrincipalKind.PARTNER_USER)


def _is_admin(principal: Principal) -> bool:
    return principal.is_partner_user and principal.role is Role.ADMIN


@dataclass(frozen=True, slots=True)
class TokenFilter:
    user_id: int | None = None
    statuses: tuple[TokenStatus, ...] | None = None


async def get_api_tokens(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Tokens by id for the loaders (and `node`): an ADMIN's own partner's, nothing else."""
    if not _is_admin(ctx.principal):
        return {}
    rows = await ctx.session.execute(
        select(*TOKEN_COLUMNS).where(_manageable(ctx.principal), ApiToken.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def list_api_tokens(ctx: ServiceContext, f: TokenFilter, page: PageRequest) -> Page:
    """The partner's users' tokens, newest first (ADMIN)."""
    ctx.principal.require(Permission.USERS_AND_TOKENS)
    stmt = select(*TOKEN_COLUMNS).where(_manageable(ctx.principal))
    if f.user_id is not None:
        stmt = stmt.where(ApiToken.partner_user_id == f.user_id)
    if f.statuses:
        now = clock.now()
        stmt = stmt.where(or_(*(_status_condition(s, now) for s in f.statuses)))
    ordering = Ordering("CREATED_AT", ApiToken.created_at, ApiToken.id, Direction.DESC)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.created_at)


def _label(value: str | None, errors: list[DomainError]) -> str:
    label = (value or "").strip()
    if len(label) > MAX_LABEL:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                f"The label must be at most {MAX_LABEL} characters.",
                ["label"],
            )
        )
    return label


def _expiry(value: datetime | None, errors: list[DomainError]) -> datetime | None:
    if value is None:
        return None
    now, days = clock.now(), get_settings().api_token_max_lifetime_days
    if value <= now:
        message = "`expiresAt` must be in the future."
    elif value > now + timedelta(days=days):
        message = f"`expiresAt` may be at most {days} days ahead."
    else:
        return value
    errors.append(DomainError(ErrorCode.INVALID_INPUT, message, ["expiresAt"]))
    return None


async def create_api_token(
    ctx: ServiceContext,
    *,
    user_id: int | None,
    label: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[int, str]:
    """Issue a token for an active user of the caller's partner: (its id, the raw token,
    which is never shown again)."""
    ctx.principal.require(Permission.USERS_AND_TOKENS)
    errors: list[DomainError] = []
    clean_label, expiry = _label(label, errors), _expiry(expires_at, errors)
    if errors:
        raise DomainErrors(errors)
    user = await find_visible(ctx, PartnerUser, user_id, "No such partner user.", ("userId",))
    if user.deactivated_at is not None:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "The user is deactivated; it can't get tokens.",
            ["userId"],
        )
    raw, row = await create_token_row(
        ctx.session,
        PrincipalKind.PARTNER_USER,
        partner_id=user.partner_id,
        partner_user_id=user.id,
        label=clean_label,
        expires_at=expiry,
    )
    await audit.record(
        ctx,
        "api_token.create",
        "ApiToken",
        row.id,
        partner_id=user.partner_id,
        after={"user_id": user.id, "label": clean_label, "expires_at": expiry},
    )
    return row.id, raw


async def revoke_api_token(ctx: ServiceContext, *, token_id: int | None) -> int:
    """Revoke one of the partner's tokens; it stops authenticating at once."""
    ctx.principal.require(Permission.USERS_AND_TOKENS)
    token = await find_visible(
        ctx,
        ApiToken,
        token_id,
        "No such API token.",
        ("tokenId",),
        where=[ApiToken.principal_kind == PrincipalKind.PARTNER_USER],
        lock=True,
    )
    await revoke_token_row(ctx, token)
    return int(token.id)


async def revoke_token_row(ctx: ServiceContext, token: ApiToken) -> None:
    """Revoke `token` (found and locked by the caller: the API or the CLI) and audit it as
    the caller."""
    if token.revoked_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "The token is already revoked.", ["tokenId"])
    token.revoked_at = clock.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        "api_token.revoke",
        "ApiToken",
        token.id,
        partner_id=token.partner_id,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at, "user_id": token.partner_user_id},
    )
