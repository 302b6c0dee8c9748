"""API tokens: creation (shown once), authentication, revocation.

A token authenticates while it is not revoked, not past its `expires_at` and (for a partner
user) its user is not deactivated; each is checked on every request, so revoking a token or
deactivating its user takes effect on the next request. A refused token says why
(`TokenRefusal`): only its holder can ask, so the reason leaks nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import ApiToken, Partner, PartnerUser
from app.models.partners.enums import PrincipalKind
from app.services.core.cross_partner import cross_partner, register
from app.services.core.customer_principal import associations_of
from app.services.core.principal import Principal
from app.settings import get_settings

TOKEN_PREFIX = "pc_"


class TokenRefusal(StrEnum):
    """Why a token that exists does not authenticate (the 401's message)."""

    REVOKED = "The token has been revoked."
    EXPIRED = "The token has expired."
    USER_DEACTIVATED = "The token's user has been deactivated."


def hash_token(raw: str) -> str:
    """SHA-256 of the token: what the database keeps."""
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_token(
    session: AsyncSession,
    kind: PrincipalKind,
    *,
    partner_id: int | None = None,
    partner_user_id: int | None = None,
    cloud_account_id: int | None = None,
    label: str = "",
    expires_at: datetime | None = None,
) -> str:
    """Store a new token's hash and return the token itself (the only time it is seen)."""
    raw, _ = await create_token_row(
        session,
        kind,
        partner_id=partner_id,
        partner_user_id=partner_user_id,
        cloud_account_id=cloud_account_id,
        label=label,
        expires_at=expires_at,
    )
    return raw


async def create_token_row(
    session: AsyncSession,
    kind: PrincipalKind,
    *,
    partner_id: int | None = None,
    partner_user_id: int | None = None,
    cloud_account_id: int | None = None,
    label: str = "",
    expires_at: datetime | None = None,
) -> tuple[str, ApiToken]:
    """`create_token`, also answering the stored row (for its id)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=hash_token(raw),
        principal_kind=kind,
        partner_id=partner_id,
        partner_user_id=partner_user_id,
        cloud_account_id=cloud_account_id,
        label=label,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return raw, row


async def authenticate(
    session: AsyncSession, raw: str
) -> tuple[Principal, bool] | TokenRefusal | None:
    """The principal of a live token, and whether its `last_used_at` is due for a write;
    why not for a revoked or expired token or a deactivated user's; None for an unknown one.

    A customer principal's associations are read with it (one more statement, on the platform
    side): what it may see is fixed for the request, but for the associations it makes itself.

    This is the first statement of every request, so it is where a pooled connection that
    the database dropped (a restart, an idle timeout) shows: the pool does not ping before
    lending one. SQLAlchemy then invalidates that connection (and every older one), and the
    lookup runs once more on a fresh connection, so the request does not fail.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    try:
        row = await _lookup(session, raw)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        await session.rollback()
        row = await _lookup(session, raw)
    if row is None:
        return None
    refusal = _refusal(row)
    if refusal is not None:
        return refusal
    principal, due = _principal(row)
    if principal.kind is PrincipalKind.CUSTOMER:
        associations = await associations_of(session, principal.cloud_account_id)
        principal = replace(principal, associations=associations)
    return principal, due


def _refusal(row: Any) -> TokenRefusal | None:
    if row.revoked_at is not None:
        return TokenRefusal.REVOKED
    if row.deactivated_at is not None:
        return TokenRefusal.USER_DEACTIVATED
    if row.expires_at is not None and row.expires_at <= clock.now():
        return TokenRefusal.EXPIRED
    return None


AUTHENTICATION = register(
    "authentication",
    "a token is looked up by its hash before its partner is known, with its user's role and "
    "state joined by the user's id (tokens are a platform table)",
)


@cross_partner(AUTHENTICATION)
async def _lookup(session: AsyncSession, raw: str) -> Any:
    """The token by its hash, with its user's role and state and its partner's setting: one
    statement, the first of every request."""
    return (
        await session.execute(
            select(
                ApiToken.id,
                ApiToken.principal_kind,
                ApiToken.partner_id,
                ApiToken.partner_user_id,
                ApiToken.cloud_account_id,
                ApiToken.last_used_at,
                ApiToken.revoked_at,
                ApiToken.expires_at,
                PartnerUser.role,
                PartnerUser.deactivated_at,
                Partner.sales_see_all_customers,
            )
            .outerjoin(
                PartnerUser,
                # by the user's whole key: (partner_id, id) is its primary key's order
                (PartnerUser.partner_id == ApiToken.partner_id)
                & (PartnerUser.id == ApiToken.partner_user_id),
            )
            .outerjoin(Partner, Partner.id == ApiToken.partner_id)
            .where(ApiToken.token_hash == hash_token(raw))
        )
    ).first()


def _principal(row: Any) -> tuple[Principal, bool]:
    principal = Principal(
        kind=row.principal_kind,
        token_id=row.id,
        partner_id=row.partner_id,
        user_id=row.partner_user_id,
        role=row.role,
        cloud_account_id=row.cloud_account_id,
        sales_see_all_customers=bool(row.sales_see_all_customers),
    )
    stale_after = timedelta(seconds=get_settings().token_last_used_resolution_seconds)
    due = row.last_used_at is None or clock.now() - row.last_used_at >= stale_after
    return principal, due


async def touch(session: AsyncSession, token_id: int) -> None:
    """Record that a token was used (throttled by the caller)."""
    await session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=clock.now())
    )


async def revoke_tokens(session: AsyncSession, *, label: str) -> int:
    """Revoke every live token with `label` (used by `seed-demo` re-runs)."""
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.label == label, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
