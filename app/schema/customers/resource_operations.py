"""Operations a partner performs on a customer's resources under its OPERATIONS grant."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.customers import resources as resolvers
from app.schema.core.errors import UserError
from app.schema.customers.resources import Resource


@strawberry.input(description="The resource whose auto-renew to set, and the new value.")
class SetResourceAutoRenewInput:
    resource_id: strawberry.ID = strawberry.field(
        description="A yearly/monthly resource of a RESELLER customer that granted OPERATIONS."
    )
    auto_renew: bool = strawberry.field(
        description="true: renew itself at expiry; false: let the term end."
    )


@strawberry.type(description="Result of `setResourceAutoRenew`.")
class SetResourceAutoRenewPayload:
    resource: Resource | None = strawberry.field(
        description="The resource as changed (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; empty on success."
    )


async def set_resource_auto_renew(
    info: strawberry.Info,
    input: Annotated[
        SetResourceAutoRenewInput, strawberry.argument(description="The resource and value.")
    ],
) -> SetResourceAutoRenewPayload:
    outcome = await resolvers.set_resource_auto_renew(info.context, input)
    return SetResourceAutoRenewPayload(
        resource=Resource.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )
