"""Loaders of the invoices domain: invoice profiles."""

from __future__ import annotations

from app.loaders.base import RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.invoices import profiles


class InvoiceLoaders:
    ctx: ServiceContext
    invoice_profile: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.invoice_profile = by_key(lambda ids: profiles.get_invoice_profiles(ctx, ids))
