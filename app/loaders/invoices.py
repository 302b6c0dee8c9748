"""Loaders of the invoices domain: invoice profiles, invoices and their lines."""

from __future__ import annotations

from app.loaders.base import RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.invoices import profiles, reads


class InvoiceLoaders:
    ctx: ServiceContext
    invoice_profile: RowLoader
    invoice: RowLoader
    invoice_lines: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.invoice_profile = by_key(lambda ids: profiles.get_invoice_profiles(ctx, ids))
        self.invoice = by_key(lambda ids: reads.get_invoices(ctx, ids))
        self.invoice_lines = by_key(lambda ids: reads.lines_by_invoice(ctx, ids), default=[])
