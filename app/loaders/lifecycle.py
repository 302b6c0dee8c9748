"""Loaders of the lifecycle domain: registrations, invitations, association changes,
disassociation requests, authorizations, reserved companies and notifications."""

from __future__ import annotations

from app.loaders.base import RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.lifecycle import (
    association_changes,
    authorizations,
    company_registry,
    disassociation_requests,
    invitations,
    notifications,
    registrations,
)


class LifecycleLoaders:
    registration: RowLoader
    invitation: RowLoader
    association_change: RowLoader
    disassociation_request: RowLoader
    authorization: RowLoader
    open_authorizations_by_customer: RowLoader
    notification: RowLoader
    reserved_company: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.registration = by_key(lambda ids: registrations.get_registrations(ctx, ids))
        self.invitation = by_key(lambda ids: invitations.get_invitations(ctx, ids))
        self.association_change = by_key(
            lambda ids: association_changes.get_association_changes(ctx, ids)
        )
        self.disassociation_request = by_key(
            lambda ids: disassociation_requests.get_disassociation_requests(ctx, ids)
        )
        self.authorization = by_key(lambda ids: authorizations.get_authorizations(ctx, ids))
        self.open_authorizations_by_customer = by_key(
            lambda ids: authorizations.open_by_customer(ctx, ids), default=()
        )
        self.notification = by_key(lambda ids: notifications.get_notifications(ctx, ids))
        self.reserved_company = by_key(
            lambda ids: company_registry.get_reserved_companies(ctx, ids)
        )
