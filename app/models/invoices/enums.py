"""The invoices domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/invoices/enums.py` adds the
descriptions); there is no second copy.
"""

from enum import StrEnum


class InvoiceType(StrEnum):
    """增值税普通发票 (general) or 增值税专用发票 (special: input tax deductible)."""

    VAT_GENERAL = "VAT_GENERAL"
    VAT_SPECIAL = "VAT_SPECIAL"


class InvoiceTitleType(StrEnum):
    """Whom an invoice title names: an enterprise (with a tax id) or an individual."""

    ENTERPRISE = "ENTERPRISE"
    INDIVIDUAL = "INDIVIDUAL"
