"""Tokens from the CLI: issue one (resolve or create the principal, then create its token),
or revoke one. Both are audited as the system principal, like every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.db import Database
from app.models import AccountAssociation, ApiToken, Partner, PartnerUser
from app.models.partners.enums import PrincipalKind, Role
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError
from app.services.core.principal import Principal
from app.services.partners.api_tokens import revoke_token_row
from app.services.partners.tokens import create_token_row, hash_token
from app.settings import get_settings


@dataclass(frozen=True, slots=True)
class TokenRequest:
    partner_id: int | None
    role: str | None
    user_id: int | None
    customer_id: int | None
    platform: bool
    label: str
    expires_in_days: int | None = None


def _expiry(days: int | None) -> timedelta | None:
    if days is None:
        return None
    most = get_settings().api_token_max_lifetime_days
    if not 1 <= days <= most:
        raise ValueError(f"--expires-in must be 1 to {most} days.")
    return timedelta(days=days)


async def issue_token(database: Database, request: TokenRequest) -> str:
    """Create a token for exactly one principal; `ValueError` explains a bad combination."""
    chosen = sum(
        [request.platform, request.customer_id is not None, request.partner_id is not None]
    )
    if chosen != 1:
        raise ValueError("Give exactly one of --partner-id, --customer-id or --platform.")
    lifetime = _expiry(request.expires_in_days)
    expires_at = None if lifetime is None else clock.now() + lifetime
    common = {"label": request.label, "expires_at": expires_at}
    async with database.session(write=True) as session:
        if request.platform:
            token, row = await create_token_row(session, PrincipalKind.PLATFORM, **common)
        elif request.customer_id is not None:
            # The customer's cloud account, from the platform's list of associations (a
            # customer id names one row of one partner, which the operator needn't know).
            cloud_account_id = await session.scalar(
                select(AccountAssociation.cloud_account_id).where(
                    AccountAssociation.customer_id == request.customer_id
                )
            )
            if cloud_account_id is None:
                raise ValueError(f"No customer {request.customer_id}.")
            token, row = await create_token_row(
                session,
                PrincipalKind.CUSTOMER,
                cloud_account_id=cloud_account_id,
                **common,
            )
        else:
            partner = await session.get(Partner, request.partner_id)
            if partner is None:
                raise ValueError(f"No partner {request.partner_id}.")
            user = await _partner_user(session, partner, request)
            token, row = await create_token_row(
                session,
                PrincipalKind.PARTNER_USER,
                partner_id=partner.id,
                partner_user_id=user.id,
                **common,
            )
        await audit.record(
            ServiceContext(session, Principal.system(), "cli"),
            "api_token.create",
            "ApiToken",
            row.id,
            partner_id=row.partner_id,
            after={
                "principal_kind": row.principal_kind,
                "user_id": row.partner_user_id,
                "label": row.label,
                "expires_at": row.expires_at,
            },
        )
        await session.commit()
    return token


async def revoke_token(database: Database, *, token_id: int | None, raw: str | None) -> int:
    """Revoke one token, given by id or by the token itself; returns its id. `ValueError`
    explains what is wrong (nothing found, already revoked)."""
    if (token_id is None) == (raw is None):
        raise ValueError("Give exactly one of --id or --token.")
    where = ApiToken.id == token_id if raw is None else ApiToken.token_hash == hash_token(raw)
    async with database.session(write=True) as session:
        token = await session.scalar(select(ApiToken).where(where).with_for_update())
        if token is None:
            raise ValueError("No such token.")
        try:
            await revoke_token_row(ServiceContext(session, Principal.system(), "cli"), token)
        except DomainError as error:
            raise ValueError(error.message) from error
        await session.commit()
        return int(token.id)


async def _partner_user(
    session: AsyncSession, partner: Partner, request: TokenRequest
) -> PartnerUser:
    if request.user_id is not None:
        user = await session.get(PartnerUser, (partner.id, request.user_id))
        if user is None or user.partner_id != partner.id:
            raise ValueError(f"Partner {partner.id} has no user {request.user_id}.")
        if user.deactivated_at is not None:
            raise ValueError(f"User {user.id} is deactivated.")
        return user
    if request.role is None:
        raise ValueError("--partner-id needs --role or --user-id.")
    role = Role(request.role)
    user = await session.scalar(
        select(PartnerUser)
        .where(
            PartnerUser.partner_id == partner.id,
            PartnerUser.role == role,
            PartnerUser.deactivated_at.is_(None),
        )
        .order_by(PartnerUser.id)
        .limit(1)
    )
    if user is None:
        user = PartnerUser(
            partner_id=partner.id,
            name=f"{role.value.title()} (cli)",
            email=f"{role.value.lower()}.cli@partner{partner.id}.example",
            role=role,
        )
        session.add(user)
        await session.flush()
    return user
