"""The invoices domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.invoices.enums import InvoiceStatus, InvoiceTitleType, InvoiceType
from app.schema.core.enums import graphql_enum
from app.services.invoices.reads import InvoiceOrderField

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

graphql_enum(
    InvoiceStatus,
    "Where an invoice is: requested, then issued, rejected or cancelled; an issued one may be "
    "returned (退票).",
    {
        "REQUESTED": "The partner asked for it; the platform has not decided.",
        "ISSUED": "The platform issued it (invoice number and date); it covers its amount.",
        "REJECTED": "The platform refused the request (with a reason); it covers nothing.",
        "CANCELLED": "The partner withdrew the request; it covers nothing.",
        "RETURN_REQUESTED": "The partner asked to return it; it still covers its amount.",
        "RETURNED": "The platform took it back; its amount is invoiceable again.",
    },
)

graphql_enum(
    InvoiceOrderField,
    "What invoices are sorted by (then by id).",
    {
        "REQUESTED_AT": "When requested.",
        "AMOUNT": "The invoice amount.",
        "UPDATED_AT": "When its state last changed.",
    },
)

__all__ = ["InvoiceOrderField", "InvoiceStatus", "InvoiceTitleType", "InvoiceType"]
