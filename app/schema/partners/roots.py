"""Root fields of the caller, its partner's users, settings and audit log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.partners import audit_log as audit_resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.partners import partners
from app.schema.partners.audit_log import AuditEvent, AuditEventFilter
from app.schema.partners.partners import PartnerUser, Viewer


@strawberry.type(description="Read entry points: the caller, its partner's users, the audit log.")
class Query:
    @strawberry.field(description="The authenticated caller.")
    def viewer(self, info: strawberry.Info) -> Viewer:
        principal = info.context.principal
        return Viewer(
            kind=principal.kind,
            role=principal.role,
            partner_id=principal.partner_id,
            user_id=principal.user_id,
        )

    @strawberry.field(description="Users of the caller's partner, by name.")
    async def partner_users(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PartnerUser]:
        page = await partner_resolvers.list_partner_users(info.context, first, after, last, before)
        return connection(page, PartnerUser.from_row)

    @strawberry.field(description="The partner's audit log, newest first (ADMIN, FINANCE).")
    async def audit_events(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AuditEventFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEvent]:
        page = await audit_resolvers.list_audit_events(
            info.context, filter, first, after, last, before
        )
        return connection(page, AuditEvent.from_row)


@strawberry.type(description="Changes: the partner's settings.")
class Mutation:
    update_partner_settings: partners.UpdatePartnerSettingsPayload = strawberry.mutation(
        resolver=partners.update_partner_settings,
        description="Change partner settings, e.g. whether SALES sees all customers (ADMIN).",
    )
