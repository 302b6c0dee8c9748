"""Root fields of the caller, its partner's users and their API tokens, settings and audit
log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.partners import api_tokens as token_resolvers
from app.resolvers.partners import audit_log as audit_resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.partners import api_tokens, partners, users
from app.schema.partners.api_tokens import ApiToken, ApiTokenFilter
from app.schema.partners.audit_log import AuditEvent, AuditEventFilter
from app.schema.partners.partners import PartnerUser, Viewer


@strawberry.type(
    description="Read entry points: the caller, its partner's users and tokens, the audit log."
)
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

    @strawberry.field(
        description="The API tokens of the partner's users, newest first (ADMIN); never the "
        "secrets."
    )
    async def api_tokens(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ApiTokenFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ApiToken]:
        page = await token_resolvers.list_api_tokens(
            info.context, filter, first, after, last, before
        )
        return connection(page, ApiToken.from_row)

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


@strawberry.type(description="Changes: the partner's settings, users and API tokens.")
class Mutation:
    create_partner_user: users.CreatePartnerUserPayload = strawberry.mutation(
        resolver=users.create_partner_user,
        description="Add a user or service account to the partner (ADMIN).",
    )
    update_partner_user: users.UpdatePartnerUserPayload = strawberry.mutation(
        resolver=users.update_partner_user,
        description="Change a user's role or name (ADMIN); the last active ADMIN stays ADMIN.",
    )
    deactivate_partner_user: users.DeactivatePartnerUserPayload = strawberry.mutation(
        resolver=users.deactivate_partner_user,
        description="Deactivate a user for good and revoke its tokens at once (ADMIN); "
        "never the last active ADMIN.",
    )
    create_api_token: api_tokens.CreateApiTokenPayload = strawberry.mutation(
        resolver=api_tokens.create_api_token,
        description="Issue a token for one of the partner's users (ADMIN); the payload "
        "carries the secret, shown only this once.",
    )
    revoke_api_token: api_tokens.RevokeApiTokenPayload = strawberry.mutation(
        resolver=api_tokens.revoke_api_token,
        description="Revoke a token (ADMIN): it answers 401 from the next request.",
    )
    update_partner_settings: partners.UpdatePartnerSettingsPayload = strawberry.mutation(
        resolver=partners.update_partner_settings,
        description="Change partner settings, e.g. whether SALES sees all customers (ADMIN).",
    )
