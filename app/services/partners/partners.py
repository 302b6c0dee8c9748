"""Partners and their users, as the partner sees them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app import clock
from app.models import Partner, PartnerUser
from app.models.partners.enums import CertificationStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission
from app.services.core.scoping import visible

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
    PartnerUser.service_account,
    PartnerUser.created_at,
    PartnerUser.deactivated_at,
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


async def update_partner_settings(
    ctx: ServiceContext, *, sales_see_all_customers: bool | None = None
) -> int:
    """Change the caller's partner settings (ADMIN). SALES visibility applies from the next
    request of each SALES user."""
    ctx.principal.require(Permission.PARTNER_SETTINGS)
    if sales_see_all_customers is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give a setting to change.", [])
    partner = await ctx.session.scalar(
        select(Partner).where(Partner.id == ctx.principal.partner_id).with_for_update()
    )
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such partner.", [])
    before = {"sales_see_all_customers": partner.sales_see_all_customers}
    partner.sales_see_all_customers = sales_see_all_customers
    await ctx.session.flush()
    await audit.record(
        ctx,
        "partner.update_settings",
        "Partner",
        partner.id,
        partner_id=partner.id,
        before=before,
        after={"sales_see_all_customers": partner.sales_see_all_customers},
    )
    return partner.id
