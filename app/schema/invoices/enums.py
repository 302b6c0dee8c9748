"""The invoices domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.invoices.enums import InvoiceTitleType, InvoiceType
from app.schema.core.enums import graphql_enum

graphql_enum(
    InvoiceType,
    "The kind of VAT invoice a profile asks for.",
    {
        "VAT_GENERAL": "增值税普通发票: a general VAT invoice.",
        "VAT_SPECIAL": (
            "增值税专用发票: a special VAT invoice (input tax deductible); needs an ENTERPRISE "
            "title with its bank, account, address and phone."
        ),
    },
)

graphql_enum(
    InvoiceTitleType,
    "Whom an invoice title names.",
    {
        "ENTERPRISE": "A company or other organization, identified by its tax id.",
        "INDIVIDUAL": "A person (no tax id; general invoices only).",
    },
)

__all__ = ["InvoiceTitleType", "InvoiceType"]
