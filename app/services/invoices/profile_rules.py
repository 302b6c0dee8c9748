"""What an invoice profile must hold, by title type and invoice type (DOMAIN.md > Invoices).

- `title` (the company's or person's name): 1 to 100 characters.
- ENTERPRISE titles carry a tax id: the 18-character unified social credit code with its
  GB 32100-2015 check character (`tax_ids`); lowercase letters are read as uppercase, spaces
  around it are dropped. INDIVIDUAL titles have no tax id (an individual has no such code).
- VAT_SPECIAL (增值税专用发票) needs an ENTERPRISE title and the bank, account, address and
  phone printed on it; VAT_GENERAL may carry them (they are printed when given).
- bank name at most 100 characters; account 6 to 40 digits (spaces and hyphens between them
  are dropped); address at most 200 characters; phone 5 to 30 characters of digits, spaces,
  `+`, `-` and parentheses, with at least 5 digits.

NUL characters and lone surrogates never reach here: the input layer refuses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.models.invoices.enums import InvoiceTitleType, InvoiceType
from app.services.core.errors import DomainError, ErrorCode
from app.services.invoices.tax_ids import tax_id_problem

MAX_TITLE = 100
MAX_BANK_NAME = 100
MAX_ADDRESS = 200
ACCOUNT = re.compile(r"[0-9]{6,40}")
PHONE = re.compile(r"[0-9+\-() ]{5,30}")
MIN_PHONE_DIGITS = 5
SPECIAL_NEEDS = (
    ("bank_name", "bankName", "the bank's name"),
    ("bank_account", "bankAccount", "the bank account"),
    ("address", "address", "the registered address"),
    ("phone", "phone", "the phone number"),
)


@dataclass(frozen=True, slots=True)
class ProfileFields:
    """A profile's content as stored ("" for an absent optional text)."""

    title_type: InvoiceTitleType
    invoice_type: InvoiceType
    title: str
    tax_id: str = ""
    bank_name: str = ""
    bank_account: str = ""
    address: str = ""
    phone: str = ""

    def normalized(self) -> ProfileFields:
        """Spaces around each text dropped, the tax id in uppercase, the account's digits."""
        return replace(
            self,
            title=self.title.strip(),
            tax_id=self.tax_id.strip().upper(),
            bank_name=self.bank_name.strip(),
            bank_account=re.sub(r"[\s-]", "", self.bank_account),
            address=self.address.strip(),
            phone=self.phone.strip(),
        )


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, [field])


def problems(fields: ProfileFields) -> list[DomainError]:
    """Every rule `fields` (normalized) breaks, each at its field; empty when it is valid."""
    errors: list[DomainError] = []
    if not fields.title or len(fields.title) > MAX_TITLE:
        errors.append(_invalid(f"The title must be 1 to {MAX_TITLE} characters.", "title"))
    if fields.title_type is InvoiceTitleType.ENTERPRISE:
        if not fields.tax_id:
            errors.append(_invalid("An enterprise title needs its tax id.", "taxId"))
        elif (why := tax_id_problem(fields.tax_id)) is not None:
            errors.append(_invalid(f"Not a unified social credit code: it {why}.", "taxId"))
    elif fields.tax_id:
        errors.append(_invalid("An individual title has no tax id; leave it empty.", "taxId"))
    if len(fields.bank_name) > MAX_BANK_NAME:
        errors.append(
            _invalid(f"The bank's name must be at most {MAX_BANK_NAME} characters.", "bankName")
        )
    if fields.bank_account and ACCOUNT.fullmatch(fields.bank_account) is None:
        errors.append(_invalid("The bank account must be 6 to 40 digits.", "bankAccount"))
    if len(fields.address) > MAX_ADDRESS:
        errors.append(_invalid(f"The address must be at most {MAX_ADDRESS} characters.", "address"))
    if fields.phone and (
        PHONE.fullmatch(fields.phone) is None
        or sum(c.isdigit() for c in fields.phone) < MIN_PHONE_DIGITS
    ):
        errors.append(
            _invalid(
                "The phone must be 5 to 30 characters of digits, spaces, +, - and parentheses.",
                "phone",
            )
        )
    if fields.invoice_type is InvoiceType.VAT_SPECIAL:
        if fields.title_type is not InvoiceTitleType.ENTERPRISE:
            errors.append(_invalid("A VAT_SPECIAL invoice needs an ENTERPRISE title.", "titleType"))
        for attribute, field, what in SPECIAL_NEEDS:
            if not getattr(fields, attribute):
                errors.append(_invalid(f"A VAT_SPECIAL invoice needs {what}.", field))
    return errors
