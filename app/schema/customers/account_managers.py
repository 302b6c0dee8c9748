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


def _results(result: Any) -> list[AccountManagerChangeResult]:
    from app.schema.customers.customers import Customer

    return [
        AccountManagerChangeResult(
            customer_id=strawberry.ID(gid),
            customer=Customer.from_row(row) if row is not None else None,
            user_errors=user_errors([error] if error is not None else []),
        )
        for gid, row, error in result.items
    ]


@strawberry.type(description="Result of `assignAccountManager`.")
class AssignAccountManagerPayload:
    manager: PartnerUser | None = strawberry.field(
        description="The manager (null when the whole call was refused)."
    )
    results: list[AccountManagerChangeResult] = strawberry.field(
        description="One entry per given customer, in order (empty when the call was refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Every refusal: of the call (e.g. ["input", "managerId"]) or of an item '
        '(["input", "customerIds", i]). Items without errors were changed.'
    )


@strawberry.type(description="Result of `unassignAccountManager`.")
class UnassignAccountManagerPayload:
    results: list[AccountManagerChangeResult] = strawberry.field(
        description="One entry per given customer, in order (empty when the call was refused)."
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
        results=_results(result),
        user_errors=user_errors(result.errors),
    )


async def unassign_account_manager(
    info: strawberry.Info,
    input: Annotated[UnassignAccountManagerInput, strawberry.argument(description="Whom.")],
) -> UnassignAccountManagerPayload:
    result = await resolvers.unassign_account_manager(info.context, input)
    return UnassignAccountManagerPayload(
        results=_results(result), user_errors=user_errors(result.errors)
    )
