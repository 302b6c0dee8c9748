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


class InvoiceStatus(StrEnum):
    """An invoice request's life: `REQUESTED → ISSUED | REJECTED | CANCELLED`; an issued
    invoice may be returned (退票): `ISSUED → RETURN_REQUESTED → RETURNED`, or back to
    `ISSUED` when the platform refuses the return."""

    REQUESTED = "REQUESTED"
    ISSUED = "ISSUED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    RETURNED = "RETURNED"


# The states whose lines cover invoiceable money (requested, or issued and not returned).
COVERING_STATUSES = (
    InvoiceStatus.REQUESTED,
    InvoiceStatus.ISSUED,
    InvoiceStatus.RETURN_REQUESTED,
)
# The states of an invoice the platform has issued and the partner still holds.
ISSUED_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.RETURN_REQUESTED)
