"""The platform-side company registry: the only cross-partner read of acquisition.

"Is this company free to be registered?" must look at every partner's registrations and
customers, and at the vendor's reserved list, yet never tell a partner who holds a company.
So the answer is a boolean, computed here and nowhere else; callers turn it into
`REGISTRATION_CONFLICT` with one fixed message.

It reads platform-side tables only, never a partner's: the registrations that can hold a
company (`RegistrationClaim`, kept in step with each registration), the open associations
(`OpenAssociation`) with their cloud accounts' company, and the vendor's reserve.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, false, or_, select, text

from app import clock
from app.models import CloudAccount, OpenAssociation, RegistrationClaim, ReservedCompany
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import PrincipalKind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.pagination import Ordering, Page, PageRequest, fetch_page
from app.services.lifecycle.company_names import (
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
)

CONFLICT_MESSAGE = (
    "This company is already registered, associated with a partner, or reserved by the "
    "vendor, so it cannot be registered now."
)
RESERVED_COLUMNS = tuple(ReservedCompany.__table__.columns)


@dataclass(frozen=True, slots=True)
class CompanyKey:
    """What identifies a company: its normalized name and, if known, its credit code."""

    normalized_name: str
    credit_code: str | None = None

    def matches(self, name_col: Any, code_col: Any) -> Any:
        by_code = code_col == self.credit_code if self.credit_code else false()
        return or_(name_col == self.normalized_name, by_code)


def conflict_error(field: Sequence[str | int] | None = None) -> DomainError:
    return DomainError(ErrorCode.REGISTRATION_CONFLICT, CONFLICT_MESSAGE, field)


async def lock_company(ctx: ServiceContext, key: CompanyKey) -> None:
    """Serialize check-then-write on one company across partners (PostgreSQL).

    Two partners registering the same company at the same moment would both pass the check;
    a transaction-scoped advisory lock per matching key makes the second wait and see the
    first. SQLite writers are already serialized by the database's write lock.
    """
    if ctx.session.get_bind().dialect.name != "postgresql":
        return
    keys = [f"name:{key.normalized_name}"]
    if key.credit_code:
        keys.append(f"code:{key.credit_code}")
    for raw in sorted(keys):
        lock_id = int.from_bytes(hashlib.sha256(raw.encode()).digest()[:8], "big", signed=True)
        await ctx.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id})


async def is_company_taken(
    ctx: ServiceContext,
    key: CompanyKey,
    *,
    exclude_registration_id: int | None = None,
    ignore_partner_id: int | None = None,
    include_customers: bool = True,
) -> bool:
    """Whether the company is held: an active registration of any partner (pending, or
    approved and not expired), a current customer of any partner, or the vendor's reserve.

    `exclude_registration_id` leaves out the registration being re-checked;
    `ignore_partner_id` leaves out one partner's registrations (its own invitation).
    """
    now = clock.now()
    claim = select(RegistrationClaim.registration_id).where(
        key.matches(RegistrationClaim.normalized_name, RegistrationClaim.credit_code),
        or_(
            RegistrationClaim.status == RegistrationStatus.PENDING_REVIEW,
            and_(
                RegistrationClaim.status == RegistrationStatus.APPROVED,
                RegistrationClaim.expires_at > now,
            ),
        ),
    )
    if exclude_registration_id is not None:
        claim = claim.where(RegistrationClaim.registration_id != exclude_registration_id)
    if ignore_partner_id is not None:
        claim = claim.where(RegistrationClaim.partner_id != ignore_partner_id)
    conditions = [
        exists(claim),
        exists(
            select(ReservedCompany.id).where(
                key.matches(ReservedCompany.normalized_name, ReservedCompany.credit_code)
            )
        ),
    ]
    if include_customers:
        conditions.append(
            exists(
                select(OpenAssociation.cloud_account_id)
                .join(CloudAccount, CloudAccount.id == OpenAssociation.cloud_account_id)
                .where(key.matches(CloudAccount.normalized_company_name, CloudAccount.credit_code))
            )
        )
    return bool(await ctx.session.scalar(select(or_(*conditions))))


def company_key(name: str, credit_code: str | None) -> CompanyKey:
    return CompanyKey(normalize_company_name(name), credit_code or None)


async def add_reserved_company(
    ctx: ServiceContext, company_name: str, credit_code: str | None, reason: str
) -> int:
    """Put a company on the vendor's reserved list (PLATFORM)."""
    ctx.principal.require_platform()
    errors: list[DomainError] = []
    name = company_name.strip()
    if not name or len(name) > 200:
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT, "A company name has 1-200 characters.", ["companyName"]
            )
        )
    code = normalize_credit_code(credit_code) if credit_code else None
    if code is not None and not is_valid_credit_code(code):
        errors.append(
            DomainError(
                ErrorCode.INVALID_INPUT,
                "A unified social credit code has 18 digits or capital letters.",
                ["creditCode"],
            )
        )
    if errors:
        raise DomainErrors(errors)
    key = company_key(name, code)
    await lock_company(ctx, key)
    already = await ctx.session.scalar(
        select(ReservedCompany.id).where(
            key.matches(ReservedCompany.normalized_name, ReservedCompany.credit_code)
        )
    )
    if already is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "This company is already reserved.", [])
    reserved = ReservedCompany(
        company_name=name, normalized_name=key.normalized_name, credit_code=code, reason=reason
    )
    ctx.session.add(reserved)
    await ctx.session.flush()
    await audit.record(
        ctx,
        "reserved_company.add",
        "ReservedCompany",
        reserved.id,
        partner_id=None,
        after={"companyName": name, "creditCode": code, "reason": reason},
    )
    return reserved.id


async def remove_reserved_company(ctx: ServiceContext, reserved_id: int | None) -> int:
    """Take a company off the reserved list (PLATFORM); it is free to register again."""
    ctx.principal.require_platform()
    reserved = None
    if reserved_id is not None:
        reserved = await ctx.session.get(ReservedCompany, reserved_id)
    if reserved is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such reserved company.", ["id"])
    await audit.record(
        ctx,
        "reserved_company.remove",
        "ReservedCompany",
        reserved.id,
        partner_id=None,
        before={"companyName": reserved.company_name, "creditCode": reserved.credit_code},
    )
    await ctx.session.delete(reserved)
    await ctx.session.flush()
    return reserved.id


async def list_reserved_companies(ctx: ServiceContext, page: PageRequest) -> Page:
    """The vendor's reserved list by company name (PLATFORM)."""
    ctx.principal.require_platform()
    stmt = select(*RESERVED_COLUMNS)
    ordering = Ordering("COMPANY_NAME", ReservedCompany.company_name, ReservedCompany.id)
    return await fetch_page(ctx.session, stmt, ordering, page, lambda r: r.company_name)


async def get_reserved_companies(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    if ctx.principal.kind is not PrincipalKind.PLATFORM:
        return {}
    rows = await ctx.session.execute(select(*RESERVED_COLUMNS).where(ReservedCompany.id.in_(ids)))
    return {row.id: row for row in rows}
