"""Authorization type and the authorization mutations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.lifecycle import authorizations as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import Node
from app.schema.lifecycle.enums import AuthorizationScope, AuthorizationStatus
from app.schema.partners.enums import PrincipalKind
from app.services.lifecycle.authorizations import effective_status, scopes_of

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("app.schema.customers.customers")]


@strawberry.input(description="Conditions an authorization must meet; all given ones apply.")
class AuthorizationFilter:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's."
    )
    statuses: list[AuthorizationStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now: lapsed ones are EXPIRED)."
    )
    scope: AuthorizationScope | None = strawberry.field(
        default=None, description="Covering this scope."
    )


AuthorizationFilterInput = AuthorizationFilter


@strawberry.type(
    description="Scopes a RESELLER customer grants (or is asked to grant) its partner."
)
class Authorization(Node):
    row: strawberry.Private[Any]
    scopes: list[AuthorizationScope] = strawberry.field(description="The scopes.")
    status: AuthorizationStatus = strawberry.field(description="Status as of now.")
    ends_at: datetime = strawberry.field(description="End of the grant (exclusive).")
    note: str = strawberry.field(description="The partner's note to the customer.")
    requested_at: datetime = strawberry.field(description="When the partner asked.")
    answered_at: datetime | None = strawberry.field(description="When the customer answered.")
    rejection_reason: str = strawberry.field(description="The customer's reason for refusing.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    revoked_by: PrincipalKind | None = strawberry.field(
        description="Who revoked it: the partner (PARTNER_USER) or the CUSTOMER."
    )

    @strawberry.field(description="The customer who grants it.")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Authorization:
        return cls(
            id=strawberry.ID(to_global_id("Authorization", row.id)),
            row=row,
            scopes=scopes_of(row),  # type: ignore[arg-type]
            status=effective_status(row),  # type: ignore[arg-type]
            ends_at=row.ends_at,
            note=row.note,
            requested_at=row.requested_at,
            answered_at=row.answered_at,
            rejection_reason=row.rejection_reason,
            revoked_at=row.revoked_at,
            revoked_by=row.revoked_by,
        )


@strawberry.input(description="Scopes to ask a RESELLER customer for, and until when.")
class RequestAuthorizationInput:
    customer_id: strawberry.ID = strawberry.field(description="A current RESELLER customer.")
    scopes: list[AuthorizationScope] = strawberry.field(description="One or both scopes.")
    ends_at: datetime = strawberry.field(description="End of the grant (in the future).")
    note: str | None = strawberry.field(default=None, description="Note to the customer.")


@strawberry.input(description="The authorization to grant.")
class ApproveAuthorizationInput:
    id: strawberry.ID = strawberry.field(description="A pending authorization.")


@strawberry.input(description="The authorization to refuse.")
class RejectAuthorizationInput:
    id: strawberry.ID = strawberry.field(description="A pending authorization.")
    reason: str | None = strawberry.field(default=None, description="Why (at most 500).")


@strawberry.input(description="The authorization to revoke.")
class RevokeAuthorizationInput:
    id: strawberry.ID = strawberry.field(description="A pending or active authorization.")


def _payload(cls: Any, outcome: Any) -> Any:
    return cls(
        authorization=Authorization.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type(description="Result of `requestAuthorization`.")
class RequestAuthorizationPayload:
    authorization: Authorization | None = strawberry.field(
        description="The pending authorization (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `approveAuthorization`.")
class ApproveAuthorizationPayload:
    authorization: Authorization | None = strawberry.field(
        description="The active authorization (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `rejectAuthorization`.")
class RejectAuthorizationPayload:
    authorization: Authorization | None = strawberry.field(
        description="The rejected authorization (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `revokeAuthorization`.")
class RevokeAuthorizationPayload:
    authorization: Authorization | None = strawberry.field(
        description="The revoked authorization (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def request_authorization(
    info: strawberry.Info,
    input: Annotated[RequestAuthorizationInput, strawberry.argument(description="What to ask.")],
) -> RequestAuthorizationPayload:
    outcome = await resolvers.request_authorization(info.context, input)
    return _payload(RequestAuthorizationPayload, outcome)


async def approve_authorization(
    info: strawberry.Info,
    input: Annotated[ApproveAuthorizationInput, strawberry.argument(description="Which.")],
) -> ApproveAuthorizationPayload:
    outcome = await resolvers.approve_authorization(info.context, input)
    return _payload(ApproveAuthorizationPayload, outcome)


async def reject_authorization(
    info: strawberry.Info,
    input: Annotated[RejectAuthorizationInput, strawberry.argument(description="Which.")],
) -> RejectAuthorizationPayload:
    outcome = await resolvers.reject_authorization(info.context, input)
    return _payload(RejectAuthorizationPayload, outcome)


async def revoke_authorization(
    info: strawberry.Info,
    input: Annotated[RevokeAuthorizationInput, strawberry.argument(description="Which.")],
) -> RevokeAuthorizationPayload:
    outcome = await resolvers.revoke_authorization(info.context, input)
    return _payload(RevokeAuthorizationPayload, outcome)
