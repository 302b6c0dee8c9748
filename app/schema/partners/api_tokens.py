"""API tokens as an ADMIN manages them: listed (never the secret), issued, revoked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.partners import api_tokens as resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import Node
from app.schema.partners.enums import TokenStatus
from app.schema.partners.partners import PartnerUser
from app.services.partners.api_tokens import token_status


@strawberry.type(
    description="A bearer token of one of the partner's users. The secret itself is shown "
    "only once, by `createApiToken`."
)
class ApiToken(Node):
    row: strawberry.Private[Any]
    label: str = strawberry.field(description="Free text to tell tokens apart (may be empty).")
    created_at: datetime = strawberry.field(description="When it was issued.")
    last_used_at: datetime | None = strawberry.field(
        description="When it last authenticated a request (to the minute; null: never)."
    )
    expires_at: datetime | None = strawberry.field(
        description="When it stops working (null: when revoked)."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (also when its user was deactivated)."
    )

    @strawberry.field(description="Whether it authenticates now.")
    def status(self) -> TokenStatus:
        return token_status(self.row)

    @strawberry.field(description="The user the token acts as.")
    async def user(self, info: strawberry.Info) -> PartnerUser | None:
        row = await partner_resolvers.load_partner_user(info.context, self.row.partner_user_id)
        return None if row is None else PartnerUser.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> ApiToken:
        return cls(
            id=strawberry.ID(to_global_id("ApiToken", row.id)),
            row=row,
            label=row.label,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )


@strawberry.input(description="Conditions on API tokens; all given ones apply.")
class ApiTokenFilter:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this user's tokens (a PartnerUser id)."
    )
    statuses: list[TokenStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )


@strawberry.input(description="A new token for one of the partner's active users.")
class CreateApiTokenInput:
    user_id: strawberry.ID = strawberry.field(
        description="The user it acts as (a PartnerUser id), e.g. a BI tool's VIEWER."
    )
    label: str | None = strawberry.field(
        default=None, description="Free text to tell tokens apart, at most 100 characters."
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When it stops working: in the future, at most API_TOKEN_MAX_LIFETIME_DAYS "
        "(366 by default) ahead; null: when revoked.",
    )


@strawberry.input(description="The token to revoke.")
class RevokeApiTokenInput:
    token_id: strawberry.ID = strawberry.field(description="The token (an ApiToken id).")


@strawberry.type(description="Result of `createApiToken`.")
class CreateApiTokenPayload:
    api_token: ApiToken | None = strawberry.field(description="The token (null when refused).")
    token: str | None = strawberry.field(
        description="The secret to send as `Authorization: Bearer <token>`. Shown this once: "
        "only its SHA-256 hash is stored."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `revokeApiToken`.")
class RevokeApiTokenPayload:
    api_token: ApiToken | None = strawberry.field(
        description="The revoked token (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def create_api_token(
    info: strawberry.Info,
    input: Annotated[CreateApiTokenInput, strawberry.argument(description="The token.")],
) -> CreateApiTokenPayload:
    outcome = await resolvers.create_api_token(info.context, input)
    issued = outcome.value if outcome.value is not None and outcome.value.row else None
    return CreateApiTokenPayload(
        api_token=ApiToken.from_row(issued.row) if issued is not None else None,
        token=issued.token if issued is not None else None,
        user_errors=user_errors(outcome.errors),
    )


async def revoke_api_token(
    info: strawberry.Info,
    input: Annotated[RevokeApiTokenInput, strawberry.argument(description="The token.")],
) -> RevokeApiTokenPayload:
    outcome = await resolvers.revoke_api_token(info.context, input)
    return RevokeApiTokenPayload(
        api_token=ApiToken.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )
