"""The one tenant-scoping helper. Every partner-facing read starts here.

`visible(principal, table)` is the WHERE clause that limits rows of a tenant-owned table to
what the principal may see:

- a partner user sees its partner's rows; a SALES user restricted to managed customers sees
  only those customers and everything that hangs off them;
- a customer principal (a cloud account) sees its own associations and their rows: the
  (`partner_id`, `customer_id`) pairs it carries (`Principal.associations`, read from the
  platform side when its token is checked), named as literals, so no read of it reaches
  across partners' tenant rows;
- the platform sees everything (platform-side services only);
- the notification outbox carries secrets in flight (invitation links): platform only;
- a partner's own notifications are its users' (never a customer's): a restricted SALES user
  sees those about the customers it manages and those about no customer (the partner's
  certification, its registrations).

Another tenant's row is thereby exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, false, select, true, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from app.models import Customer, Notification, Partner, PartnerNotification, PartnerUser
from app.models.partners.enums import PrincipalKind
from app.services.core.errors import DomainError, ErrorCode, FieldPath
from app.services.core.principal import Principal

if TYPE_CHECKING:
    from app.services.core.context import ServiceContext


def _customer_ids_of(principal: Principal) -> Select[Any]:
    """Ids of the customers a restricted SALES user manages (a subquery of its partner's)."""
    return select(Customer.id).where(
        Customer.partner_id == principal.partner_id,
        Customer.account_manager_id == principal.user_id,
    )


def _associated(principal: Principal, partner_col: Any, customer_col: Any) -> ColumnElement[bool]:
    """Rows of a customer principal's own associations: its (partner, customer) pairs."""
    if not principal.associations:
        return false()
    return partner_col.in_(principal.associated_partner_ids) & tuple_(
        partner_col, customer_col
    ).in_(principal.associations)


def visible(principal: Principal, model: type[Any]) -> ColumnElement[bool]:
    """The condition selecting rows of `model` that `principal` may read."""
    if principal.kind is PrincipalKind.PLATFORM:
        return true()
    if model is Notification:
        return false()
    if model is Partner:
        if principal.kind is PrincipalKind.CUSTOMER:
            if not principal.associations:
                return false()
            return Partner.id.in_(principal.associated_partner_ids)
        return Partner.id == principal.partner_id
    if model is Customer:
        if principal.kind is PrincipalKind.CUSTOMER:
            return _associated(principal, Customer.partner_id, Customer.id)
        condition = Customer.partner_id == principal.partner_id
        if principal.sees_only_managed_customers:
            condition = condition & (Customer.account_manager_id == principal.user_id)
        return condition
    if model is PartnerUser:
        if principal.kind is PrincipalKind.CUSTOMER:
            return false()
        return PartnerUser.partner_id == principal.partner_id
    if model is PartnerNotification:
        if principal.kind is PrincipalKind.CUSTOMER:
            return false()
        condition = PartnerNotification.partner_id == principal.partner_id
        if principal.sees_only_managed_customers:
            about = PartnerNotification.customer_id
            condition = condition & (about.is_(None) | about.in_(_customer_ids_of(principal)))
        return condition

    partner_col: InstrumentedAttribute[Any] | None = getattr(model, "partner_id", None)
    customer_col: InstrumentedAttribute[Any] | None = getattr(model, "customer_id", None)
    if partner_col is None:
        raise TypeError(f"{model.__name__} is not a tenant-owned table")
    if principal.kind is PrincipalKind.CUSTOMER:
        if customer_col is None:
            return false()
        return _associated(principal, partner_col, customer_col)
    condition = partner_col == principal.partner_id
    if principal.sees_only_managed_customers and customer_col is not None:
        condition = condition & customer_col.in_(_customer_ids_of(principal))
    return condition


async def find_visible(
    ctx: ServiceContext,
    model: type[Any],
    row_id: int | None,
    not_found: str,
    field: FieldPath = ("id",),
    *,
    where: Sequence[ColumnElement[bool]] = (),
    lock: bool = False,
) -> Any:
    """The row `row_id` of `model` if the caller may see it (and it meets `where`), locked
    for update when `lock`; otherwise NOT_FOUND (`not_found` at `field`) -- another tenant's
    row, a missing one and a malformed id (None) all read the same."""
    row = None
    if row_id is not None:
        stmt = select(model).where(visible(ctx.principal, model), model.id == row_id, *where)
        row = await ctx.session.scalar(stmt.with_for_update() if lock else stmt)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, not_found, list(field))
    return row


def scoped(principal: Principal, model: type[Any], *columns: Any) -> Select[Any]:
    """`SELECT columns FROM model WHERE visible(principal, model)`; columns default to the row."""
    return select(*(columns or (model,))).where(visible(principal, model))
