"""Partners and their users, as the partner sees them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Partner, PartnerUser
from app.models.enums import CertificationStatus
from app.services.context import ServiceContext
from app.services.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.scoping import visible

PARTNER_COLUMNS = (
    Partner.id,
    Partner.name,
    Partner.certified_company_name,
    Partner.certification_status,
    Partner.certification_expires_at,
    Partner.contracting_entity,
    Partner.remittance_account_number,
    Partner.sales_see_all_customers,
)
PARTNER_USER_COLUMNS = (
    PartnerUser.id,
    PartnerUser.partner_id,
    PartnerUser.name,
    PartnerUser.email,
    PartnerUser.role,
    PartnerUser.created_at,
)


def is_certified(partner: Any) -> bool:
    """Certified and not past its certification's expiry (DOMAIN.md > Actors)."""
    if partner.certification_status is not CertificationStatus.CERTIFIED:
        return False
    expires = partner.certification_expires_at
    return expires is None or clock.now() < expires


async def get_partners(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*PARTNER_COLUMNS).where(visible(ctx.principal, Partner), Partner.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def get_partner_users(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    rows = await ctx.session.execute(
        select(*PARTNER_USER_COLUMNS).where(
            visible(ctx.principal, PartnerUser), PartnerUser.id.in_(ids)
        )
    )
    return {row.id: row for row in rows}


async def list_partner_users(ctx: ServiceContext, page: PageRequest) -> Page:
    """The users of the caller's partner, by name."""
    ctx.principal.require_partner_read()
    stmt = select(*PARTNER_USER_COLUMNS).where(visible(ctx.principal, PartnerUser))
    ordering = Ordering("NAME", PartnerUser.name, PartnerUser.id, Direction.ASC)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.name)
