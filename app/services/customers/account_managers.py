"""Account managers (客户经理): a SALES or ADMIN user of the partner assigned to customers.

One manager per customer, assigned or unassigned for up to 100 customers per call. Each
customer is its own item (a savepoint each): a refused item changes nothing and comes back
with its index, the others go through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import select

from app.models import Customer, PartnerUser
from app.models.partners.enums import Role
from app.services.core import audit
from app.services.core.bulk import BulkResult, each_item
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.pagination import (
    Direction,
    Page,
    PageRequest,
    count_by_parent,
    fetch_pages_by_parent,
)
from app.services.core.principal import Permission
from app.services.core.scoping import visible
from app.services.customers.customers import (
    CustomerOrderField,
    customer_ordering,
    customer_select,
    customer_sort_key,
)

MAX_ITEMS = 100
MANAGER_ROLES = (Role.SALES, Role.ADMIN)


def _check_size(customer_ids: Sequence[int | None]) -> None:
    if not 1 <= len(customer_ids) <= MAX_ITEMS:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Give 1 to {MAX_ITEMS} customers; got {len(customer_ids)}.",
            ["customerIds"],
        )


async def _manager(ctx: ServiceContext, manager_id: int | None) -> PartnerUser:
    user = None
    if manager_id is not None:
        user = await ctx.session.scalar(
            select(PartnerUser).where(
                visible(ctx.principal, PartnerUser), PartnerUser.id == manager_id
            )
        )
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such partner user.", ["managerId"])
    if user.deactivated_at is not None:
        raise DomainError(
            ErrorCode.INVALID_ACCOUNT_MANAGER,
            "The user is deactivated; choose an active SALES or ADMIN user.",
            ["managerId"],
        )
    if user.role not in MANAGER_ROLES:
        raise DomainError(
            ErrorCode.INVALID_ACCOUNT_MANAGER,
            f"A {user.role.value} user cannot manage customers; choose a SALES or ADMIN user.",
            ["managerId"],
        )
    return user


async def _each(
    ctx: ServiceContext,
    customer_ids: Sequence[int | None],
    change: Callable[[Customer], Awaitable[None]],
) -> BulkResult:
    seen: set[int] = set()

    async def one(index: int, customer_id: int | None) -> int:
        field = ["customerIds", index]
        if customer_id is not None and customer_id in seen:
            raise DomainError(ErrorCode.INVALID_INPUT, "This customer is repeated.", field)
        customer = None
        if customer_id is not None:
            seen.add(customer_id)
            customer = await ctx.session.scalar(
                select(Customer)
                .where(visible(ctx.principal, Customer), Customer.id == customer_id)
                .with_for_update()
            )
        if customer is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", field)
        if customer.ended_at is not None:
            raise DomainError(
                ErrorCode.INVALID_STATE, "The customer's association has ended.", field
            )
        await change(customer)
        return customer.id

    return BulkResult(items=await each_item(ctx, customer_ids, one))


async def _set_manager(ctx: ServiceContext, customer: Customer, manager_id: int | None) -> None:
    if customer.account_manager_id == manager_id:
        return
    before = {"account_manager_id": customer.account_manager_id}
    customer.account_manager_id = manager_id
    await ctx.session.flush()
    await audit.record(
        ctx,
        "customer.assign_account_manager" if manager_id else "customer.unassign_account_manager",
        "Customer",
        customer.id,
        partner_id=customer.partner_id,
        before=before,
        after={"account_manager_id": manager_id},
    )


async def assign_account_manager(
    ctx: ServiceContext, manager_id: int | None, customer_ids: Sequence[int | None]
) -> BulkResult:
    """Make `manager_id` the manager of each customer (ADMIN); per-item outcomes."""
    ctx.principal.require(Permission.ACCOUNT_MANAGERS)
    _check_size(customer_ids)
    manager = await _manager(ctx, manager_id)

    async def change(customer: Customer) -> None:
        await _set_manager(ctx, customer, manager.id)

    return await _each(ctx, customer_ids, change)


async def unassign_account_manager(
    ctx: ServiceContext, customer_ids: Sequence[int | None]
) -> BulkResult:
    """Leave each customer without a manager (ADMIN); per-item outcomes."""
    ctx.principal.require(Permission.ACCOUNT_MANAGERS)
    _check_size(customer_ids)

    async def change(customer: Customer) -> None:
        await _set_manager(ctx, customer, None)

    return await _each(ctx, customer_ids, change)


def _managed(ctx: ServiceContext) -> Any:
    return customer_select().where(visible(ctx.principal, Customer), Customer.ended_at.is_(None))


async def count_managed(ctx: ServiceContext, manager_ids: Sequence[int]) -> dict[int, int]:
    """How many current customers each manager has (that the caller may see): one query."""
    return await count_by_parent(
        ctx.session, _managed(ctx), Customer.account_manager_id, manager_ids
    )


async def managed_customer_pages(
    ctx: ServiceContext,
    manager_ids: Sequence[int],
    order_field: CustomerOrderField,
    direction: Direction,
    page: PageRequest,
    counts: Any,
) -> dict[int, Page]:
    """One page of current managed customers per manager, in one statement."""
    return await fetch_pages_by_parent(
        ctx.session,
        _managed(ctx),
        Customer.account_manager_id,
        manager_ids,
        customer_ordering(order_field, direction),
        page,
        customer_sort_key(order_field),
        counts,
    )
