"""Customer-initiated disassociation requests: the type and its mutations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.lifecycle import disassociation_requests as resolvers
from app.schema.core.errors import ErrorCode, UserError, user_errors
from app.schema.core.relay import Node
from app.schema.lifecycle.enums import DisassociationRequestStatus

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("app.schema.customers.customers")]


@strawberry.input(description="Conditions a request must meet; all given ones apply.")
class DisassociationRequestFilter:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's requests."
    )
    statuses: list[DisassociationRequestStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )


DisassociationRequestFilterInput = DisassociationRequestFilter


@strawberry.type(description="A customer's request to end its association with the partner.")
class DisassociationRequest(Node):
    row: strawberry.Private[Any]
    status: DisassociationRequestStatus = strawberry.field(description="Status.")
    reason: str = strawberry.field(description="The customer's reason.")
    filed_at: datetime = strawberry.field(description="When the customer filed it.")
    auto_approve_at: datetime = strawberry.field(
        description="From then on it is approved automatically if the preconditions hold."
    )
    answered_at: datetime | None = strawberry.field(description="When it was decided.")
    auto_approved: bool = strawberry.field(description="Approved by the deadline, not a person.")
    rejection_reason: str = strawberry.field(description="The partner's reason for rejecting.")
    blocked_by: list[ErrorCode] = strawberry.field(
        description="Preconditions that held up its automatic approval (empty otherwise)."
    )

    @strawberry.field(description="The customer concerned.")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from app.schema.customers.customers import Customer

        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> DisassociationRequest:
        return cls(
            id=strawberry.ID(to_global_id("DisassociationRequest", row.id)),
            row=row,
            status=row.status,
            reason=row.reason,
            filed_at=row.filed_at,
            auto_approve_at=row.auto_approve_at,
            answered_at=row.answered_at,
            auto_approved=row.auto_approved,
            rejection_reason=row.rejection_reason,
            blocked_by=[ErrorCode(code) for code in row.blocked_by or ()],
        )


@strawberry.input(description="The association the customer wants to end.")
class FileDisassociationRequestInput:
    customer_id: strawberry.ID = strawberry.field(
        description="The customer's own current association."
    )
    reason: str | None = strawberry.field(default=None, description="Why (at most 500 characters).")


@strawberry.input(description="The request to approve.")
class ApproveDisassociationRequestInput:
    id: strawberry.ID = strawberry.field(description="A pending request.")


@strawberry.input(description="The request to reject, and why.")
class RejectDisassociationRequestInput:
    id: strawberry.ID = strawberry.field(description="A pending request.")
    reason: str = strawberry.field(description="Shown to the customer (1-500 characters).")


def _payload(cls: Any, outcome: Any) -> Any:
    return cls(
        request=DisassociationRequest.from_row(outcome.value)
        if outcome.value is not None
        else None,
        user_errors=user_errors(outcome.errors),
    )


@strawberry.type(description="Result of `fileDisassociationRequest`.")
class FileDisassociationRequestPayload:
    request: DisassociationRequest | None = strawberry.field(
        description="The new request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `approveDisassociationRequest`.")
class ApproveDisassociationRequestPayload:
    request: DisassociationRequest | None = strawberry.field(
        description="The approved request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused: each unmet precondition has its own code."
    )


@strawberry.type(description="Result of `rejectDisassociationRequest`.")
class RejectDisassociationRequestPayload:
    request: DisassociationRequest | None = strawberry.field(
        description="The rejected request (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def file_disassociation_request(
    info: strawberry.Info,
    input: Annotated[FileDisassociationRequestInput, strawberry.argument(description="Which.")],
) -> FileDisassociationRequestPayload:
    outcome = await resolvers.file_disassociation_request(info.context, input)
    return _payload(FileDisassociationRequestPayload, outcome)


async def approve_disassociation_request(
    info: strawberry.Info,
    input: Annotated[ApproveDisassociationRequestInput, strawberry.argument(description="Which.")],
) -> ApproveDisassociationRequestPayload:
    outcome = await resolvers.approve_disassociation_request(info.context, input)
    return _payload(ApproveDisassociationRequestPayload, outcome)


async def reject_disassociation_request(
    info: strawberry.Info,
    input: Annotated[
        RejectDisassociationRequestInput, strawberry.argument(description="Which, and why.")
    ],
) -> RejectDisassociationRequestPayload:
    outcome = await resolvers.reject_disassociation_request(info.context, input)
    return _payload(RejectDisassociationRequestPayload, outcome)
