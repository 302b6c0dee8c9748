"""Invoice profiles (发票抬头): the titles a partner's invoices are made out to.

Writing is for ADMIN and FINANCE (`Permission.COUPONS_INVOICES`); reading for ADMIN, FINANCE
and VIEWER, and the platform (which issues the invoices to these titles: every partner's);
a SALES user and a customer are refused (a title is the partner's finance data). What a
profile must hold is in `profile_rules`.

Readings where the issue is silent:
- a partner's first live profile becomes its default unless `is_default=False` is asked;
  making a profile the default (on create or update) clears the flag on the others; a
  default may be unset (the partner then has none) and deleting it leaves none;
- a second live profile with the same invoice type, title and tax id is refused (a
  duplicate the console would show twice);
- an update changes the fields given and keeps the others; the result is checked as a
  whole (turning a profile VAT_SPECIAL needs its bank details, given now or already there);
  giving "" clears an optional text;
- delete is soft: the row stays (later invoices name their profile) with `deleted_at` set;
  a deleted profile is gone for the API: not listed, `node(id)` null, NOT_FOUND to change.

Each change locks the partner row first (the lock order's partner comes first), so two
calls can't both make a default or both create the same title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Select, select, update

from app import clock
from app.models import InvoiceProfile, Partner
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode, PermissionDenied
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission, can_read_funds
from app.services.core.scoping import find_visible, visible
from app.services.invoices.profile_rules import ProfileFields, problems

PROFILE_COLUMNS = tuple(InvoiceProfile.__table__.columns)
ORDERING = Ordering("CREATED_AT", InvoiceProfile.created_at, InvoiceProfile.id, Direction.DESC)
AUDITED = (*ProfileFields.__dataclass_fields__, "is_default", "deleted_at")
NOT_FOUND = "No such invoice profile."


def _fields(profile: InvoiceProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in AUDITED}


def _content(profile: InvoiceProfile) -> ProfileFields:
    return ProfileFields(
        **{name: getattr(profile, name) for name in ProfileFields.__dataclass_fields__}
    )


def _require_writer(ctx: ServiceContext) -> None:
    ctx.principal.require(Permission.COUPONS_INVOICES)


def _require_reader(ctx: ServiceContext) -> None:
    if not can_read_funds(ctx.principal):
        raise PermissionDenied("Invoice profiles are for ADMIN, FINANCE and VIEWER users.")


def _checked(fields: ProfileFields) -> ProfileFields:
    fields = fields.normalized()
    errors = problems(fields)
    if errors:
        raise DomainErrors(errors)
    return fields


async def _lock_partner(ctx: ServiceContext) -> None:
    await ctx.session.scalar(
        select(Partner.id).where(Partner.id == ctx.principal.partner_id).with_for_update()
    )


def _live(ctx: ServiceContext) -> Select[Any]:
    return select(*PROFILE_COLUMNS).where(
        visible(ctx.principal, InvoiceProfile), InvoiceProfile.deleted_at.is_(None)
    )


async def _refuse_duplicate(ctx: ServiceContext, fields: ProfileFields, own: int | None) -> None:
    stmt = select(InvoiceProfile.id).where(
        InvoiceProfile.partner_id == ctx.principal.partner_id,
        InvoiceProfile.deleted_at.is_(None),
        InvoiceProfile.invoice_type == fields.invoice_type,
        InvoiceProfile.title == fields.title,
        InvoiceProfile.tax_id == fields.tax_id,
    )
    if own is not None:
        stmt = stmt.where(InvoiceProfile.id != own)
    if await ctx.session.scalar(stmt.limit(1)) is not None:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "The partner already has a profile of this invoice type, title and tax id.",
            ["title"],
        )


async def _has_default(ctx: ServiceContext) -> bool:
    found = await ctx.session.scalar(
        select(InvoiceProfile.id)
        .where(
            InvoiceProfile.partner_id == ctx.principal.partner_id,
            InvoiceProfile.deleted_at.is_(None),
            InvoiceProfile.is_default.is_(True),
        )
        .limit(1)
    )
    return found is not None


async def _clear_defaults(ctx: ServiceContext, keep: int) -> None:
    await ctx.session.execute(
        update(InvoiceProfile)
        .where(
            InvoiceProfile.partner_id == ctx.principal.partner_id,
            InvoiceProfile.is_default.is_(True),
            InvoiceProfile.id != keep,
        )
        .values(is_default=False, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )


async def _profile(ctx: ServiceContext, profile_id: int | None) -> InvoiceProfile:
    profile: InvoiceProfile = await find_visible(
        ctx,
        InvoiceProfile,
        profile_id,
        NOT_FOUND,
        ("profileId",),
        where=(InvoiceProfile.deleted_at.is_(None),),
        lock=True,
    )
    return profile


async def create_invoice_profile(
    ctx: ServiceContext, fields: ProfileFields, *, is_default: bool | None = None
) -> int:
    """Add an invoice title to the caller's partner; returns its id."""
    _require_writer(ctx)
    fields = _checked(fields)
    await _lock_partner(ctx)
    await _refuse_duplicate(ctx, fields, None)
    if is_default is None:
        is_default = not await _has_default(ctx)
    now = clock.now()
    profile = InvoiceProfile(
        partner_id=ctx.principal.partner_id,
        **asdict(fields),
        is_default=is_default,
        created_by_user_id=ctx.principal.user_id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(profile)
    await ctx.session.flush()
    if is_default:
        await _clear_defaults(ctx, profile.id)
    await audit.record(
        ctx,
        "invoice_profile.create",
        "InvoiceProfile",
        profile.id,
        partner_id=profile.partner_id,
        after=_fields(profile),
    )
    return profile.id


async def update_invoice_profile(
    ctx: ServiceContext,
    profile_id: int | None,
    changes: dict[str, Any],
    *,
    is_default: bool | None = None,
) -> int:
    """Change the given fields of a live profile (`changes`: ProfileFields names -> values);
    the profile as changed must meet every rule."""
    _require_writer(ctx)
    unknown = set(changes) - set(ProfileFields.__dataclass_fields__)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if not changes and is_default is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "Give at least one field to change.", [])
    await _lock_partner(ctx)
    profile = await _profile(ctx, profile_id)
    fields = _checked(replace(_content(profile), **changes))
    await _refuse_duplicate(ctx, fields, profile.id)
    before = _fields(profile)
    for name, value in asdict(fields).items():
        setattr(profile, name, value)
    if is_default is not None:
        profile.is_default = is_default
    profile.updated_at = clock.now()
    await ctx.session.flush()
    if profile.is_default:
        await _clear_defaults(ctx, profile.id)
    await audit.record(
        ctx,
        "invoice_profile.update",
        "InvoiceProfile",
        profile.id,
        partner_id=profile.partner_id,
        before=before,
        after=_fields(profile),
    )
    return profile.id


async def delete_invoice_profile(ctx: ServiceContext, profile_id: int | None) -> int:
    """Delete a live profile (soft: the row stays with `deleted_at`); returns its id."""
    _require_writer(ctx)
    await _lock_partner(ctx)
    profile = await _profile(ctx, profile_id)
    before = _fields(profile)
    now = clock.now()
    profile.deleted_at = now
    profile.is_default = False
    profile.updated_at = now
    await ctx.session.flush()
    await audit.record(
        ctx,
        "invoice_profile.delete",
        "InvoiceProfile",
        profile.id,
        partner_id=profile.partner_id,
        before=before,
        after=_fields(profile),
    )
    return profile.id


# --- reads --------------------------------------------------------------------------------


async def list_invoice_profiles(ctx: ServiceContext, page: PageRequest) -> Page:
    """The partner's live profiles, newest first (ADMIN, FINANCE, VIEWER)."""
    _require_reader(ctx)
    return await fetch_page(ctx.session, _live(ctx), ORDERING, page, lambda r: r.created_at)


async def get_invoice_profiles(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Live profiles by id among those the caller may see; none for a SALES user or a
    customer (whose `node(id)` of a profile is null)."""
    if not _may_read(ctx):
        return {}
    rows = await ctx.session.execute(_live(ctx).where(InvoiceProfile.id.in_(ids)))
    return {row.id: row for row in rows}


def _may_read(ctx: ServiceContext) -> bool:
    try:
        _require_reader(ctx)
    except PermissionDenied:  # the node is hidden, not an error
        return False
    return True
