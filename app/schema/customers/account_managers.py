"""Assigning account managers in bulk: inputs, per-item results and payloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.resolvers.customers import account_managers as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.partners.partners import PartnerUser

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("app.schema.customers.customers")]


@strawberry.input(description="A manager and the customers (1-100) it takes over.")
class AssignAccountManagerInput:
    manager_id: strawberry.ID = strawberry.field(
        description="A SALES or ADMIN user of the partner."
    )
    customer_ids: list[strawberry.ID] = strawberry.field(
        description="Current customers (1-100); each is handled on its own."
    )


@strawberry.input(description="The customers (1-100) to leave without a manager.")
class UnassignAccountManagerInput:
    customer_ids: list[strawberry.ID] = strawberry.field(
        description="Current customers (1-100); each is handled on its own."
    )


@strawberry.type(description="The outcome for one customer of a bulk manager change.")
class AccountManagerChangeResult:
    customer_id: strawberry.ID = strawberry.field(description="The id as given.")
    customer: CustomerRef | None = strawberry.field(
        description="The customer as changed (null when this item was refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why this item was refused; empty when it went through."
    )


@strawberry.type(description="The outcome for one customer of a bulk call, at its input position.")
class CustomerItemResult:
    index: int = strawberry.field(
        description="Position of the customer in `input.customerIds`, from 0."
    )
    customer: CustomerRef | None = strawberry.field(
        description="The customer as changed (null when this item was refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Why this item was refused (nothing of it changed); `field` is ["input", '
        '"customerIds", index]. Empty when it went through.'
    )


RESULTS_DEPRECATION = (
    "Use `items`: the same entries with `index` instead of `customerId`. "
    "Deprecated 2026-12-03; removed in the next release."
)
ITEMS_DESCRIPTION = (
    "One entry per given customer, in input order (empty when the whole call was refused)."
)


def _items(result: Any) -> list[CustomerItemResult]:
    from app.schema.customers.customers import Customer

    return [
        CustomerItemResult(
            index=item.index,
            customer=Customer.from_row(item.row) if item.row is not None else None,
            user_errors=user_errors(item.errors),
        )
        for item in result.bulk.items
    ]


def _results(result: Any) -> list[AccountManagerChangeResult]:
    return [
        AccountManagerChangeResult(
            customer_id=strawberry.ID(result.customer_ids[item.index]),
            customer=item.customer,
            user_errors=item.user_errors,
        )
        for item in _items(result)
    ]


@strawberry.type(description="Result of `assignAccountManager`.")
class AssignAccountManagerPayload:
    manager: PartnerUser | None = strawberry.field(
        description="The manager (null when the whole call was refused)."
    )
    items: list[CustomerItemResult] = strawberry.field(description=ITEMS_DESCRIPTION)
    results: list[AccountManagerChangeResult] = strawberry.field(
        description="One entry per given customer, in order (empty when the call was refused).",
        deprecation_reason=RESULTS_DEPRECATION,
    )
    user_errors: list[UserError] = strawberry.field(
        description='Every refusal: of the call (e.g. ["input", "managerId"]) or of an item '
        '(["input", "customerIds", i]). Items without errors were changed.'
    )


@strawberry.type(description="Result of `unassignAccountManager`.")
class UnassignAccountManagerPayload:
    items: list[CustomerItemResult] = strawberry.field(description=ITEMS_DESCRIPTION)
    results: list[AccountManagerChangeResult] = strawberry.field(
        description="One entry per given customer, in order (empty when the call was refused).",
        deprecation_reason=RESULTS_DEPRECATION,
    )
    user_errors: list[UserError] = strawberry.field(
        description='Every refusal; an item\'s field is ["input", "customerIds", i].'
    )


async def assign_account_manager(
    info: strawberry.Info,
    input: Annotated[AssignAccountManagerInput, strawberry.argument(description="Who and whom.")],
) -> AssignAccountManagerPayload:
    result = await resolvers.assign_account_manager(info.context, input)
    return AssignAccountManagerPayload(
        manager=PartnerUser.from_row(result.manager) if result.manager is not None else None,
        items=_items(result),
        results=_results(result),
        user_errors=user_errors(result.bulk.errors),
    )


async def unassign_account_manager(
    info: strawberry.Info,
    input: Annotated[UnassignAccountManagerInput, strawberry.argument(description="Whom.")],
) -> UnassignAccountManagerPayload:
    result = await resolvers.unassign_account_manager(info.context, input)
    return UnassignAccountManagerPayload(
        items=_items(result), results=_results(result), user_errors=user_errors(result.bulk.errors)
    )
