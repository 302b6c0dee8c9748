"""Issuing tokens from the CLI: resolve (or create) the principal, then create its token."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.models import Customer, Partner, PartnerUser
from app.models.partners.enums import PrincipalKind, Role
from app.services.partners.tokens import create_token


@dataclass(frozen=True, slots=True)
class TokenRequest:
    partner_id: int | None
    role: str | None
    user_id: int | None
    customer_id: int | None
    platform: bool
    label: str


async def issue_token(database: Database, request: TokenRequest) -> str:
    """Create a token for exactly one principal; `ValueError` explains a bad combination."""
    chosen = sum(
        [request.platform, request.customer_id is not None, request.partner_id is not None]
    )
    if chosen != 1:
        raise ValueError("Give exactly one of --partner-id, --customer-id or --platform.")
    async with database.session(write=True) as session:
        if request.platform:
            token = await create_token(session, PrincipalKind.PLATFORM, label=request.label)
        elif request.customer_id is not None:
            customer = await session.get(Customer, request.customer_id)
            if customer is None:
                raise ValueError(f"No customer {request.customer_id}.")
            token = await create_token(
                session,
                PrincipalKind.CUSTOMER,
                cloud_account_id=customer.cloud_account_id,
                label=request.label,
            )
        else:
            partner = await session.get(Partner, request.partner_id)
            if partner is None:
                raise ValueError(f"No partner {request.partner_id}.")
            user = await _partner_user(session, partner, request)
            token = await create_token(
                session,
                PrincipalKind.PARTNER_USER,
                partner_id=partner.id,
                partner_user_id=user.id,
                label=request.label,
            )
        await session.commit()
    return token


async def _partner_user(
    session: AsyncSession, partner: Partner, request: TokenRequest
) -> PartnerUser:
    if request.user_id is not None:
        user = await session.get(PartnerUser, request.user_id)
        if user is None or user.partner_id != partner.id:
            raise ValueError(f"Partner {partner.id} has no user {request.user_id}.")
        return user
    if request.role is None:
        raise ValueError("--partner-id needs --role or --user-id.")
    role = Role(request.role)
    user = await session.scalar(
        select(PartnerUser)
        .where(PartnerUser.partner_id == partner.id, PartnerUser.role == role)
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
