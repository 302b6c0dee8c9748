"""Managing the partner's users: create, update (role, name), deactivate (ADMIN)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.partners import users as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.partners.enums import Role
from app.schema.partners.partners import PartnerUser


@strawberry.input(description="A new user (or service account) of the caller's partner.")
class CreatePartnerUserInput:
    name: str = strawberry.field(description="Display name, 1 to 100 characters.")
    email: str = strawberry.field(
        description="Login email, unique in the partner (case-insensitive); for a service "
        "account, its owner's."
    )
    role: Role = strawberry.field(description="What the user may do.")
    service_account: bool = strawberry.field(
        default=False,
        description="A service account (a BI tool's VIEWER, an integration), not a person.",
    )


@strawberry.input(description="What to change on a user; omitted fields stay.")
class UpdatePartnerUserInput:
    user_id: strawberry.ID = strawberry.field(description="The user (a PartnerUser id).")
    role: Role | None = strawberry.field(
        default=None,
        description="New role, from the user's next request; the last active ADMIN keeps it.",
    )
    name: str | None = strawberry.field(default=None, description="New display name.")


@strawberry.input(description="The user to deactivate.")
class DeactivatePartnerUserInput:
    user_id: strawberry.ID = strawberry.field(description="The user (a PartnerUser id).")


@strawberry.type(description="Result of `createPartnerUser`.")
class CreatePartnerUserPayload:
    partner_user: PartnerUser | None = strawberry.field(
        description="The new user (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `updatePartnerUser`.")
class UpdatePartnerUserPayload:
    partner_user: PartnerUser | None = strawberry.field(
        description="The user as changed (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `deactivatePartnerUser`.")
class DeactivatePartnerUserPayload:
    partner_user: PartnerUser | None = strawberry.field(
        description="The deactivated user (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


def _user(row: object) -> PartnerUser | None:
    return None if row is None else PartnerUser.from_row(row)


async def create_partner_user(
    info: strawberry.Info,
    input: Annotated[CreatePartnerUserInput, strawberry.argument(description="The user.")],
) -> CreatePartnerUserPayload:
    outcome = await resolvers.create_partner_user(info.context, input)
    return CreatePartnerUserPayload(
        partner_user=_user(outcome.value), user_errors=user_errors(outcome.errors)
    )


async def update_partner_user(
    info: strawberry.Info,
    input: Annotated[UpdatePartnerUserInput, strawberry.argument(description="What to set.")],
) -> UpdatePartnerUserPayload:
    outcome = await resolvers.update_partner_user(info.context, input)
    return UpdatePartnerUserPayload(
        partner_user=_user(outcome.value), user_errors=user_errors(outcome.errors)
    )


async def deactivate_partner_user(
    info: strawberry.Info,
    input: Annotated[DeactivatePartnerUserInput, strawberry.argument(description="The user.")],
) -> DeactivatePartnerUserPayload:
    outcome = await resolvers.deactivate_partner_user(info.context, input)
    return DeactivatePartnerUserPayload(
        partner_user=_user(outcome.value), user_errors=user_errors(outcome.errors)
    )
