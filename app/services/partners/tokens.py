"""API tokens: creation (shown once), authentication, revocation.

A token authenticates while it is not revoked, not past its `expires_at` and (for a partner
user) its user is not deactivated; each is checked on every request, so revoking a token or
deactivating its user takes effect on the next request. A refused token says why
(`TokenRefusal`): only its holder can ask, so the reason leaks nothing.

With a `PrincipalCache` a live token's principal is looked up once and then answered from the
process (its expiry still checked on every request): whatever changes what the principal is
made of empties it at once in every process (`app.services.core.principal_changes`), so the
next request looks the token up again.
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
from app.services.core.principal_cache import CachedPrincipal, PrincipalCache, principal_tags
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
    session: AsyncSession, raw: str, cache: PrincipalCache | None = None
) -> tuple[Principal, bool] | TokenRefusal | None:
    """The principal of a live token, and whether its `last_used_at` is due for a write;
    why not for a revoked or expired token or a deactivated user's; None for an unknown one.

    A customer principal's associations are read with it (one more statement, on the platform
    side): what it may see is fixed for the request, but for the associations it makes itself.

    With `cache`, a live token's principal comes from it when it holds the token (no
    statement), and is stored in it after a lookup. A lookup may be the first statement of
    its request's session, which retries it on a fresh connection if the pooled one was dropped
    (`retry_stale`); for other sessions it retries here.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token_hash = hash_token(raw)
    epoch = 0
    if cache is not None:
        cached = cache.get(token_hash)
        if cached is not None:
            return _cached(cache, token_hash, cached)
        epoch = cache.epoch  # an invalidation from here on makes this lookup unstorable
    try:
        row = await _lookup(session, token_hash)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        await session.rollback()
        row = await _lookup(session, token_hash)
    if row is None:
        return None
    refusal = _refusal(row)
    if refusal is not None:
        return refusal
    principal, due = _principal(row)
    if principal.kind is PrincipalKind.CUSTOMER:
        associations = await associations_of(session, principal.cloud_account_id)
        principal = replace(principal, associations=associations)
    if cache is not None:
        last_used_at = clock.now() if due else row.last_used_at
        entry = CachedPrincipal(principal, row.expires_at, last_used_at, principal_tags(principal))
        cache.put(token_hash, entry, epoch)
    return principal, due


def _cached(
    cache: PrincipalCache, token_hash: str, cached: CachedPrincipal
) -> tuple[Principal, bool] | TokenRefusal:
    now = clock.now()
    if cached.expires_at is not None and cached.expires_at <= now:
        cache.discard(token_hash)
        return TokenRefusal.EXPIRED
    due = _last_use_due(cached.last_used_at, now)
    if due:
        cached.last_used_at = now  # recorded once per resolution
    return cached.principal, due


def _last_use_due(last_used_at: datetime | None, now: datetime) -> bool:
    stale_after = timedelta(seconds=get_settings().token_last_used_resolution_seconds)
    return last_used_at is None or now - last_used_at >= stale_after


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
async def _lookup(session: AsyncSession, token_hash: str) -> Any:
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
            .where(ApiToken.token_hash == token_hash)
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
    return principal, _last_use_due(row.last_used_at, clock.now())


async def revoke_tokens(session: AsyncSession, *, label: str) -> int:
    """Revoke every live token with `label` (used by `seed-demo` re-runs)."""
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.label == label, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
