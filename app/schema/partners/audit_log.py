"""The audit log as partners read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.globalid import to_global_id
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.relay import DateTimeRange
from app.schema.partners.enums import PrincipalKind
from app.schema.partners.partners import Partner, PartnerUser


@strawberry.type(description="One change made through the API: who, what, before and after.")
class AuditEvent:
    row: strawberry.Private[Any]
    action: str = strawberry.field(description='What was done, e.g. "customer.update".')
    actor_kind: PrincipalKind = strawberry.field(description="Kind of caller that did it.")
    object_type: str = strawberry.field(description="Type of the object changed.")
    before: JSON = strawberry.field(description="The fields that matter, before.")
    after: JSON = strawberry.field(description="The fields that matter, after.")
    request_id: str = strawberry.field(description="The request's X-Request-ID.")
    occurred_at: datetime = strawberry.field(description="When.")

    @strawberry.field(
        description=(
            "Global id of the object changed, which `node(id:)` resolves while the object "
            "exists; null for an object without one (an ingest batch, a bill cycle, an order "
            "refund: see `after`, and the order's `refunds`)."
        )
    )
    def object_id(self) -> strawberry.ID | None:
        from app.resolvers.core.nodes import NODE_LOADERS

        row = self.row
        if row.object_id is None or row.object_type not in NODE_LOADERS:
            return None
        return strawberry.ID(to_global_id(row.object_type, row.object_id))

    @strawberry.field(description="The partner user who did it (null for platform or customer).")
    async def actor(self, info: strawberry.Info) -> PartnerUser | None:
        row = await partner_resolvers.load_partner_user(info.context, self.row.actor_user_id)
        return None if row is None else PartnerUser.from_row(row)

    @strawberry.field(
        description="The partner it belongs to (null for the platform's own, partner-less events)."
    )
    async def partner(self, info: strawberry.Info) -> Partner | None:
        row = await partner_resolvers.load_partner(info.context, self.row.partner_id)
        return None if row is None else Partner.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> AuditEvent:
        return cls(
            row=row,
            action=row.action,
            actor_kind=row.principal_kind,
            object_type=row.object_type,
            before=row.before,
            after=row.after,
            request_id=row.request_id,
            occurred_at=row.created_at,
        )


@strawberry.input(description="Conditions on audit events; all given ones apply.")
class AuditEventFilter:
    partner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only this partner's events (for the platform; a partner user reads its "
        "own anyway).",
    )
    actions: list[str] | None = strawberry.field(
        default=None, description='Any of these actions, e.g. ["funds.allocate"].'
    )
    object_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events about this object."
    )
    occurred_between: DateTimeRange | None = strawberry.field(
        default=None, description="Within this range."
    )
