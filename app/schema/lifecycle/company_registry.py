"""The vendor's reserved companies (a platform-side list registrations may not take)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.lifecycle import company_registry as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import Node


@strawberry.type(description="A company the vendor keeps for its direct sales (PLATFORM only).")
class ReservedCompany(Node):
    company_name: str = strawberry.field(description="Company name.")
    credit_code: str | None = strawberry.field(description="Unified social credit code.")
    reason: str = strawberry.field(description="Why it is reserved.")
    created_at: datetime = strawberry.field(description="When it was reserved.")

    @classmethod
    def from_row(cls, row: Any) -> ReservedCompany:
        return cls(
            id=strawberry.ID(to_global_id("ReservedCompany", row.id)),
            company_name=row.company_name,
            credit_code=row.credit_code,
            reason=row.reason,
            created_at=row.created_at,
        )


@strawberry.input(description="A company to reserve for the vendor.")
class AddReservedCompanyInput:
    company_name: str = strawberry.field(description="Company name (matched normalized).")
    credit_code: str | None = strawberry.field(
        default=None, description="Unified social credit code, if known."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")


@strawberry.input(description="The reserved company to release.")
class RemoveReservedCompanyInput:
    id: strawberry.ID = strawberry.field(description="A reserved company.")


@strawberry.type(description="Result of `addReservedCompany`.")
class AddReservedCompanyPayload:
    reserved_company: ReservedCompany | None = strawberry.field(
        description="The new entry (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `removeReservedCompany`.")
class RemoveReservedCompanyPayload:
    removed_reserved_company_id: strawberry.ID | None = strawberry.field(
        description="The id of the removed entry (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def add_reserved_company(
    info: strawberry.Info,
    input: Annotated[AddReservedCompanyInput, strawberry.argument(description="The company.")],
) -> AddReservedCompanyPayload:
    outcome = await resolvers.add_reserved_company(info.context, input)
    return AddReservedCompanyPayload(
        reserved_company=ReservedCompany.from_row(outcome.value)
        if outcome.value is not None
        else None,
        user_errors=user_errors(outcome.errors),
    )


async def remove_reserved_company(
    info: strawberry.Info,
    input: Annotated[RemoveReservedCompanyInput, strawberry.argument(description="Which.")],
) -> RemoveReservedCompanyPayload:
    outcome = await resolvers.remove_reserved_company(info.context, input)
    return RemoveReservedCompanyPayload(
        removed_reserved_company_id=strawberry.ID(to_global_id("ReservedCompany", outcome.value))
        if outcome.value is not None
        else None,
        user_errors=user_errors(outcome.errors),
    )
