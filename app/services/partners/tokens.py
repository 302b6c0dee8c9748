"""API tokens: creation (shown once), authentication, revocation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models import ApiToken, Partner, PartnerUser
from app.models.partners.enums import PrincipalKind
from app.services.core.principal import Principal
from app.settings import get_settings

TOKEN_PREFIX = "pc_"


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
) -> str:
    """Store a new token's hash and return the token itself (the only time it is seen)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=hash_token(raw),
            principal_kind=kind,
            partner_id=partner_id,
            partner_user_id=partner_user_id,
            cloud_account_id=cloud_account_id,
            label=label,
        )
    )
    await session.flush()
    return raw


async def authenticate(session: AsyncSession, raw: str) -> tuple[Principal, bool] | None:
    """The principal of a live token, and whether its `last_used_at` is due for a write.

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
    return _principal(row)


async def _lookup(session: AsyncSession, raw: str) -> Any:
    return (
        await session.execute(
            select(
                ApiToken.id,
                ApiToken.principal_kind,
                ApiToken.partner_id,
                ApiToken.partner_user_id,
                ApiToken.cloud_account_id,
                ApiToken.last_used_at,
                PartnerUser.role,
                Partner.sales_see_all_customers,
            )
            .outerjoin(PartnerUser, PartnerUser.id == ApiToken.partner_user_id)
            .outerjoin(Partner, Partner.id == ApiToken.partner_id)
            .where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
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
