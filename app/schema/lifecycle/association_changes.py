"""Partner-initiated association changes: the request type and its mutations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.lifecycle import association_changes as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import Node
from app.schema.customers.enums import AssociationType
from app.schema.lifecycle.enums import AssociationChangeKind, AssociationChangeStatus
from app.schema.partners.partners import PartnerUser
from app.services.lifecycle.association_changes import effective_status

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("app.schema.customers.customers")]


@strawberry.input(description="Conditions a request must meet; all given ones apply.")
class AssociationChangeRequestFilter:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's requests."
    )
    kind: AssociationChangeKind | None = strawberry.field(default=None, description="Kind.")
    statuses: list[AssociationChangeStatus] | None = strawberry.field(
        default=None, description="Any of these statuses (as of now)."
    )


AssociationChangeRequestFilterInput = AssociationChangeRequestFilter


@strawberry.type(
    description="A partner's request to end a customer's association or switch its type; "
    "the customer confirms or declines."
)
class AssociationChangeRequest(Node):
    row: strawberry.Private[Any]
    kind: AssociationChangeKind = strawberry.field(description="What is asked.")
    from_type: AssociationType = strawberry.field(description="The type when it was asked.")
    to_type: AssociationType | None = strawberry.field(
        description="The type asked for (TYPE_SWITCH only)."
    )
    status: AssociationChangeStatus = strawberry.field(description="Status as of now.")
    reason: str = strawberry.field(description="The partner's reason.")
    requested_at: datetime = strawberry.field(description="When it was asked.")
    expires_at: datetime = strawberry.field(
        description="Deadline (exclusive) for the customer's answer."
    )
    answered_at: datetime | None = strawberry.field(description="When the customer answered.")
    decline_reason: str = strawberry.field(description="The customer's reason for declining.")

    @strawberry.field(description="The customer concerned.")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="The partner user who asked (null for customers).")
    async def requested_by(self, info: strawberry.Info) -> PartnerUser | None:
        row = await info.context.loaders.partner_user.load(self.row.requested_by_id)
        return None if row is None else PartnerUser.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> AssociationChangeRequest:
        return cls(
            id=strawberry.ID(to_global_id("AssociationChangeRequest", row.id)),
            row=row,
            kind=row.kind,
            from_type=row.from_type,
            to_type=row.to_type,
            status=effective_status(row),  # type: ignore[arg-type]
            reason=row.reason,
            requested_at=row.requested_at,
            expires_at=row.expires_at,
            answered_at=row.answered_at,
            decline_reason=row.decline_reason,
        )


@strawberry.input(description="The customer to disassociate.")
class RequestDisassociationInput:
    customer_id: strawberry.ID = strawberry.field(description="A current customer.")
    reason: str | None = strawberry.field(
        default=None, description="Why (shown to the customer; at most 500 characters)."
    )


@strawberry.input(description="The customer whose association type to switch.")
class RequestAssociationTypeSwitchInput:
    customer_id: strawberry.ID = strawberry.field(description="A current customer.")
    association_type: AssociationType = strawberry.field(
        description="The type to switch to (not its current one)."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why (shown to the customer; at most 500 characters)."
    )


@strawberry.input(description="The request to confirm.")
class ConfirmAssociationChangeInput:
    id: strawberry.ID = strawberry.field(description="A pending request to this customer.")


@strawberry.input(description="The request to decline.")
class DeclineAssociationChangeInput:
    id: strawberry.ID = strawberry.field(description="A pending request to this customer.")
    reason: str | None = strawberry.field(default=None, description="Why (at most 500 characters).")


def _payload(cls: Any, outcome: Any) -> Any:
    return cls(
        request=AssociationChangeRequest.from_row(outcome.value)
        if outcome.value is not None
        else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type(description="Result of `requestDisassociation`.")
class RequestDisassociationPayload:
    request: AssociationChangeRequest | None = strawberry.field(
        description="The new request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused: each unmet precondition has its own code."
    )


@strawberry.type(description="Result of `requestAssociationTypeSwitch`.")
class RequestAssociationTypeSwitchPayload:
    request: AssociationChangeRequest | None = strawberry.field(
        description="The new request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused: each unmet precondition has its own code."
    )


@strawberry.type(description="Result of `confirmAssociationChange`.")
class ConfirmAssociationChangePayload:
    request: AssociationChangeRequest | None = strawberry.field(
        description="The confirmed request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused: preconditions are checked again on confirmation."
    )


@strawberry.type(description="Result of `declineAssociationChange`.")
class DeclineAssociationChangePayload:
    request: AssociationChangeRequest | None = strawberry.field(
        description="The declined request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def request_disassociation(
    info: strawberry.Info,
    input: Annotated[RequestDisassociationInput, strawberry.argument(description="Whom.")],
) -> RequestDisassociationPayload:
    outcome = await resolvers.request_disassociation(info.context, input)
    return _payload(RequestDisassociationPayload, outcome)


async def request_association_type_switch(
    info: strawberry.Info,
    input: Annotated[
        RequestAssociationTypeSwitchInput, strawberry.argument(description="Whom, to what.")
    ],
) -> RequestAssociationTypeSwitchPayload:
    outcome = await resolvers.request_association_type_switch(info.context, input)
    return _payload(RequestAssociationTypeSwitchPayload, outcome)


async def confirm_association_change(
    info: strawberry.Info,
    input: Annotated[ConfirmAssociationChangeInput, strawberry.argument(description="Which.")],
) -> ConfirmAssociationChangePayload:
    outcome = await resolvers.confirm_association_change(info.context, input)
    return _payload(ConfirmAssociationChangePayload, outcome)


async def decline_association_change(
    info: strawberry.Info,
    input: Annotated[DeclineAssociationChangeInput, strawberry.argument(description="Which.")],
) -> DeclineAssociationChangePayload:
    outcome = await resolvers.decline_association_change(info.context, input)
    return _payload(DeclineAssociationChangePayload, outcome)
