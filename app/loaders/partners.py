"""Loaders of the partners domain: partners, their users, API tokens and notifications."""

from __future__ import annotations

from app.loaders.base import RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.partners import api_tokens, partner_notifications, partners


class PartnerLoaders:
    partner: RowLoader
    partner_user: RowLoader
    api_token: RowLoader
    partner_notification: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.partner = by_key(lambda ids: partners.get_partners(ctx, ids))
        self.partner_user = by_key(lambda ids: partners.get_partner_users(ctx, ids))
        self.api_token = by_key(lambda ids: api_tokens.get_api_tokens(ctx, ids))
        self.partner_notification = by_key(
            lambda ids: partner_notifications.get_partner_notifications(ctx, ids)
        )
