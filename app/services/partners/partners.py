"""Partners and their users, as the partner sees them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_, select

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


def certification_status(partner: Any) -> CertificationStatus:
    """The partner's certification status now: the one reading every rule uses.

    EXPIRED once the validity has passed (`now >= certification_expires_at`), whether or not
    the `partners.certification` job has stored it yet; a stored EXPIRED stays EXPIRED until
    the platform certifies the partner again. A null end means "no expiry".
    """
    if partner.certification_status is not CertificationStatus.CERTIFIED:
        return CertificationStatus.EXPIRED
    expires = partner.certification_expires_at
    if expires is not None and clock.now() >= expires:
        return CertificationStatus.EXPIRED
    return CertificationStatus.CERTIFIED


def is_certified(partner: Any) -> bool:
    """Certified now (see `certification_status`): may register, invite, order, allocate."""
    return certification_status(partner) is CertificationStatus.CERTIFIED


def require_certified(partner: Any, refused: str) -> None:
    """Raise `PARTNER_NOT_CERTIFIED` ("The partner's certification has expired; `refused`.")
    unless `partner` (None: not found) is certified now. Every rule that needs a
    certification goes through here; reading stays allowed."""
    if partner is None or not is_certified(partner):
        raise DomainError(
            ErrorCode.PARTNER_NOT_CERTIFIED,
            f"The partner's certification has expired; {refused}.",
        )


@dataclass(frozen=True, slots=True)
class PartnerFilter:
    certification_status: CertificationStatus | None = None
    name_contains: str | None = None
    certification_expires_before: datetime | None = None


def _certified_now() -> ColumnElement[bool]:
    """`certification_status(partner) is CERTIFIED` as SQL."""
    expires = Partner.certification_expires_at
    return and_(
        Partner.certification_status == CertificationStatus.CERTIFIED,
        or_(expires.is_(None), expires > clock.now()),
    )


async def list_partners(ctx: ServiceContext, f: PartnerFilter, page: PageRequest) -> Page:
    """Every partner, by name (PLATFORM); a partner user reads its own through `viewer`."""
    ctx.principal.require_platform()
    stmt = select(*PARTNER_COLUMNS).where(visible(ctx.principal, Partner))
    if f.certification_status is CertificationStatus.CERTIFIED:
        stmt = stmt.where(_certified_now())
    elif f.certification_status is CertificationStatus.EXPIRED:
        stmt = stmt.where(not_(_certified_now()))
    if f.name_contains:
        stmt = stmt.where(Partner.name.icontains(f.name_contains, autoescape=True))
    if f.certification_expires_before is not None:
        stmt = stmt.where(Partner.certification_expires_at < f.certification_expires_before)
    ordering = Ordering("NAME", Partner.name, Partner.id, Direction.ASC)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.name)


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
