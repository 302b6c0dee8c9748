"""Customers: the partner's view of its associations with cloud accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select

from app.models import CloudAccount, Customer
from app.models.customers.enums import AssociationType, CustomerStatus
from app.models.partners.enums import PrincipalKind, Role
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode, PermissionDenied
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import Permission, Principal
from app.services.core.reasons import remark_errors
from app.services.core.scoping import visible
from app.services.funds.credit import in_arrears

MAX_LABELS = 20
MAX_LABEL_LENGTH = 32
MAX_REMARK_LENGTH = 500


class CustomerOrderField(StrEnum):
    NAME = "NAME"
    ASSOCIATED_AT = "ASSOCIATED_AT"


class AssociationState(StrEnum):
    """Which associations a customer list shows: current ones by default."""

    CURRENT = "CURRENT"
    FORMER = "FORMER"
    ALL = "ALL"


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    """Conditions of the customer list; `None` means "any"."""

    name_contains: str | None = None
    account_name_contains: str | None = None
    association_type: AssociationType | None = None
    status: CustomerStatus | None = None
    account_manager_id: int | None = None
    associated_from: datetime | None = None
    associated_to: datetime | None = None
    has_arrears: bool | None = None

    association_state: AssociationState = AssociationState.CURRENT


def sees_partner_notes(principal: Principal) -> bool:
    """A customer's labels and remark are the partner's own notes: a customer principal
    never reads them."""
    return principal.kind is not PrincipalKind.CUSTOMER


def customer_select() -> Select[Any]:
    """The columns a `Customer` is shown with: its row plus its cloud account's contact."""
    return select(
        Customer.id,
        Customer.partner_id,
        Customer.cloud_account_id,
        Customer.name,
        Customer.account_name,
        Customer.association_type,
        Customer.status,
        Customer.associated_at,
        Customer.ended_at,
        Customer.account_manager_id,
        Customer.labels,
        Customer.remark,
        CloudAccount.contact_name,
        CloudAccount.contact_phone,
        CloudAccount.contact_email,
        CloudAccount.industry,
        CloudAccount.region,
    ).join(CloudAccount, CloudAccount.id == Customer.cloud_account_id)


def customer_ordering(field: CustomerOrderField, direction: Direction) -> Ordering:
    column = Customer.name if field is CustomerOrderField.NAME else Customer.associated_at
    return Ordering(field.value, column, Customer.id, direction)


def customer_sort_key(field: CustomerOrderField) -> Any:
    key = "name" if field is CustomerOrderField.NAME else "associated_at"
    return lambda row: getattr(row, key)


def _apply_filter(stmt: Select[Any], f: CustomerFilter) -> Select[Any]:
    if f.name_contains:
        stmt = stmt.where(Customer.name.icontains(f.name_contains, autoescape=True))
    if f.account_name_contains:
        stmt = stmt.where(Customer.account_name.icontains(f.account_name_contains, autoescape=True))
    if f.association_type is not None:
        stmt = stmt.where(Customer.association_type == f.association_type)
    if f.status is not None:
        stmt = stmt.where(Customer.status == f.status)
    if f.account_manager_id is not None:
        stmt = stmt.where(Customer.account_manager_id == f.account_manager_id)
    if f.associated_from is not None:
        stmt = stmt.where(Customer.associated_at >= f.associated_from)
    if f.associated_to is not None:
        stmt = stmt.where(Customer.associated_at < f.associated_to)
    if f.has_arrears is not None:
        stmt = stmt.where(in_arrears() if f.has_arrears else ~in_arrears())

    if f.association_state is AssociationState.CURRENT:
        stmt = stmt.where(Customer.ended_at.is_(None))
    elif f.association_state is AssociationState.FORMER:
        stmt = stmt.where(Customer.ended_at.is_not(None))
    return stmt


async def list_customers(
    ctx: ServiceContext,
    customer_filter: CustomerFilter,
    order_field: CustomerOrderField,
    direction: Direction,
    page: PageRequest,
) -> Page:
    """The customers the caller may see, one keyset page: current associations unless the
    filter asks for former ones (ended associations stay readable with their history).

    Partner users see their partner's customers (SALES: managed ones unless allowed all), a
    customer principal its own associations, the platform all.
    """
    ordering = customer_ordering(order_field, direction)
    stmt = customer_select().where(visible(ctx.principal, Customer))
    stmt = _apply_filter(stmt, customer_filter)
    # every customer has its cloud account (a required foreign key): the count needs no join
    count_from = _apply_filter(
        select(Customer.id).where(visible(ctx.principal, Customer)), customer_filter
    )
    return await fetch_page(
        ctx.session, stmt, ordering, page, customer_sort_key(order_field), count_from
    )


async def get_customers(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Customers by id among those the caller may see (former ones included)."""
    rows = await ctx.session.execute(
        customer_select().where(visible(ctx.principal, Customer), Customer.id.in_(ids))
    )
    return {row.id: row for row in rows}


def _validate_update(labels: list[str] | None, remark: str | None) -> list[str] | None:
    errors: list[DomainError] = []
    if labels is None and remark is None:
        errors.append(
            DomainError(ErrorCode.INVALID_INPUT, "Give `labels` or `remark` to update.", [])
        )
    cleaned: list[str] | None = None
    if labels is not None:
        cleaned = []
        if len(labels) > MAX_LABELS:
            errors.append(
                DomainError(
                    ErrorCode.INVALID_INPUT,
                    f"A customer has at most {MAX_LABELS} labels; got {len(labels)}.",
                    ["labels"],
                )
            )
        for i, label in enumerate(labels):
            text = label.strip()
            if not text or len(text) > MAX_LABEL_LENGTH:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT,
                        f"A label has 1 to {MAX_LABEL_LENGTH} characters.",
                        ["labels", i],
                    )
                )
            elif text in cleaned:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID_INPUT, f"Label {text!r} is repeated.", ["labels", i]
                    )
                )
            else:
                cleaned.append(text)
    errors += remark_errors(remark, MAX_REMARK_LENGTH)
    if errors:
        raise DomainErrors(errors)
    return cleaned


async def update_customer(
    ctx: ServiceContext,
    customer_id: int | None,
    *,
    labels: list[str] | None = None,
    remark: str | None = None,
) -> int:
    """Replace a customer's labels and/or remark (ADMIN, SALES for its managed customers).

    Labels are trimmed and must be unique; `None` leaves a field as it is. Former customers
    may be annotated too: their history stays with the partner. A SALES user whose partner
    lets it *see* all customers still changes only those it manages (FORBIDDEN otherwise):
    the visibility setting widens reading, not writing.
    """
    ctx.principal.require(Permission.UPDATE_CUSTOMER)
    cleaned = _validate_update(labels, remark)
    customer = None
    if customer_id is not None:
        customer = await ctx.session.scalar(
            select(Customer)
            .where(visible(ctx.principal, Customer), Customer.id == customer_id)
            .with_for_update()
        )
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", ["id"])
    principal = ctx.principal
    if principal.role is Role.SALES and customer.account_manager_id != principal.user_id:
        raise PermissionDenied("SALES users change only the customers they manage.")
    before = {"labels": list(customer.labels), "remark": customer.remark}
    if cleaned is not None:
        customer.labels = cleaned
    if remark is not None:
        customer.remark = remark
    await ctx.session.flush()
    await audit.record(
        ctx,
        "customer.update",
        "Customer",
        customer.id,
        partner_id=customer.partner_id,
        before=before,
        after={"labels": list(customer.labels), "remark": customer.remark},
    )
    return customer.id


async def freeze_customer(ctx: ServiceContext, customer_id: int | None, reason: str = "") -> int:
    """Freeze a customer's account (PLATFORM): it blocks association changes
    (CUSTOMER_FROZEN)."""
    return await _set_frozen(ctx, customer_id, frozen=True, reason=reason)


async def unfreeze_customer(ctx: ServiceContext, customer_id: int | None, reason: str = "") -> int:
    """Unfreeze a frozen customer's account (PLATFORM)."""
    return await _set_frozen(ctx, customer_id, frozen=False, reason=reason)


async def _set_frozen(
    ctx: ServiceContext, customer_id: int | None, *, frozen: bool, reason: str
) -> int:
    ctx.principal.require_platform()
    reason = reason.strip()
    if len(reason) > MAX_REMARK_LENGTH:
        raise DomainError(
            ErrorCode.INVALID_INPUT, "A reason has at most 500 characters.", ["reason"]
        )
    customer = None
    if customer_id is not None:
        customer = await ctx.session.scalar(
            select(Customer)
            .where(visible(ctx.principal, Customer), Customer.id == customer_id)
            .with_for_update()
        )
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", ["id"])
    if customer.ended_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "The association has ended.", ["id"])
    target = CustomerStatus.FROZEN if frozen else CustomerStatus.ACTIVE
    if customer.status is target:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The customer is already {target.value}.", ["id"]
        )
    before = {"status": customer.status}
    customer.status = target
    await ctx.session.flush()
    await audit.record(
        ctx,
        "customer.freeze" if frozen else "customer.unfreeze",
        "Customer",
        customer.id,
        partner_id=customer.partner_id,
        before=before,
        after={"status": customer.status, "reason": reason},
    )
    return customer.id
