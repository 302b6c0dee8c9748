"""Root fields of the caller, its partner's users and their API tokens, settings, audit log
and notifications; the platform's list of partners and their certification."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.partners import api_tokens as token_resolvers
from app.resolvers.partners import audit_log as audit_resolvers
from app.resolvers.partners import certification as certification_resolvers
from app.resolvers.partners import partner_notifications as notification_resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, connection
from app.schema.partners import (
    api_tokens,
    certification,
    partner_notifications,
    partners,
    users,
)
from app.schema.partners.api_tokens import ApiToken, ApiTokenFilter
from app.schema.partners.audit_log import AuditEvent, AuditEventFilter
from app.schema.partners.certification import PartnerFilter
from app.schema.partners.partner_notifications import (
    PartnerNotification,
    PartnerNotificationFilter,
)
from app.schema.partners.partners import Partner, PartnerUser, Viewer


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

    @strawberry.field(
        description="Every partner, by name, with its certification (PLATFORM; a partner "
        "user reads its own as `viewer.partner`)."
    )
    async def partners(
        self,
        info: strawberry.Info,
        filter: Annotated[
            PartnerFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Partner]:
        page = await certification_resolvers.list_partners(
            info.context, filter, first, after, last, before
        )
        return connection(page, Partner.from_row)

    @strawberry.field(
        description="The caller's notifications, newest first (any partner user; a SALES user "
        "limited to its customers sees those about them and those about no customer)."
    )
    async def partner_notifications(
        self,
        info: strawberry.Info,
        filter: Annotated[
            PartnerNotificationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PartnerNotification]:
        page = await notification_resolvers.list_partner_notifications(
            info.context, filter, first, after, last, before
        )
        return connection(page, PartnerNotification.from_row)

    @strawberry.field(description="How many of the caller's notifications it has not read.")
    async def partner_notification_unread_count(self, info: strawberry.Info) -> int:
        return await notification_resolvers.unread_count(info.context)

    @strawberry.field(
        description="The audit log, newest first: the partner's own (ADMIN, FINANCE), or every "
        "partner's (PLATFORM; narrow it with `filter.partnerId`)."
    )
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


@strawberry.type(
    description="Changes: the partner's settings, users, API tokens and notifications; "
    "certification (PLATFORM)."
)
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
    certify_partner: certification.CertifyPartnerPayload = strawberry.mutation(
        resolver=certification.certify_partner,
        description="Certify an expired partner from now, or renew a certified one from its "
        "current end, for the validity period (PLATFORM); a certification in force is "
        "renewable only near its end (RENEWAL_TOO_EARLY).",
    )
    mark_partner_notifications_read: partner_notifications.MarkPartnerNotificationsReadPayload = (
        strawberry.mutation(
            resolver=partner_notifications.mark_partner_notifications_read,
            description="Mark notifications read for the caller: by id and/or every one up to "
            "a given one (any partner user).",
        )
    )
