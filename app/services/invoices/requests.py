"""Invoice requests: the partner asks for an invoice of its invoiceable money, or cancels.

`request_invoice` (ADMIN, FINANCE) names a live profile and either bill cycles or an amount:

- **cycles**: each named cycle's invoiceable amount (`INVOICEABLE_EXCEEDED` for a cycle with
  none, `REFERRAL_MODE` for one whose only money is REFERRAL-period consumption), never more
  than the partner's total invoiceable amount (a refund in a later cycle is deducted first:
  the named cycles are then covered oldest first up to the total);
- **an amount**: taken from the oldest cycles with something invoiceable first, at most the
  total (`INVOICEABLE_EXCEEDED`; `REFERRAL_MODE` when what is missing is REFERRAL-period
  consumption, which the vendor invoices to the customer).

The request's lines record what it takes of each cycle; the item is always "云服务费". A
`VAT_SPECIAL` profile is refused (`ARREARS`) while any RESELLER customer of the partner is in
arrears. Requests run under a lock on the partner row, so two at once cannot both take the
same invoiceable money.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select

from app import clock
from app.models import Customer, CustomerAccount, Invoice, InvoiceLine, InvoiceProfile, Partner
from app.models.customers.enums import AssociationType
from app.models.invoices.enums import InvoiceStatus, InvoiceType
from app.models.invoices.invoices import INVOICE_ITEM
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents, check_amount
from app.services.core.principal import Permission
from app.services.core.scoping import find_visible
from app.services.invoices.invoiceable import ZERO, Invoiceable, invoiceable

# ASCII digits only, the whole string (`\d` would take full-width digits, `$` a final "\n").
CYCLE = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
MAX_CYCLES = 36
PROFILE_NOT_FOUND = "No such invoice profile."
NOT_FOUND = "No such invoice."
SNAPSHOT = ("invoice_type", "title_type", "title", "tax_id", "bank_name", "bank_account")
SNAPSHOT += ("address", "phone")


def check_cycles(cycles: list[str], field: str = "cycles") -> list[DomainError]:
    """Each cycle `YYYY-MM` (ASCII digits, nothing around it), none twice, at most MAX_CYCLES
    (the count is checked first, so a huge list gets one error, not one per item)."""
    if not cycles or len(cycles) > MAX_CYCLES:
        return [
            DomainError(ErrorCode.INVALID_INPUT, f"Name 1 to {MAX_CYCLES} bill cycles.", [field])
        ]
    errors = [
        DomainError(
            ErrorCode.INVALID_INPUT, f"{c[:20]!r} is not a bill cycle (YYYY-MM).", [field, i]
        )
        for i, c in enumerate(cycles)
        if not CYCLE.fullmatch(c)
    ]
    if not errors and len(set(cycles)) != len(cycles):
        errors.append(DomainError(ErrorCode.INVALID_INPUT, "A cycle is named twice.", [field]))
    return errors


def _request_key(
    profile_id: int | None, cycles: list[str] | None = None, amount: Decimal | None = None
) -> dict[str, Any]:
    if (cycles is None) == (amount is None):
        raise DomainError(
            ErrorCode.INVALID_INPUT, "Give either the cycles or an amount.", ["cycles"]
        )
    errors = check_cycles(cycles) if cycles is not None else check_amount(amount or ZERO)
    if errors:
        raise DomainErrors(errors)
    return {
        "profile": profile_id,
        "cycles": sorted(cycles) if cycles is not None else None,
        "amount": str(cents(amount)) if amount is not None else None,
    }


async def _authorize_request(
    ctx: ServiceContext, profile_id: int | None, *_: Any, **__: Any
) -> None:
    ctx.principal.require(Permission.COUPONS_INVOICES)
    await resolve(
        ctx,
        InvoiceProfile,
        profile_id,
        ["profileId"],
        PROFILE_NOT_FOUND,
        InvoiceProfile.deleted_at.is_(None),
    )


def _invoice_ids(invoice_id: int) -> dict[str, int | None]:
    return {"invoice": invoice_id}


async def _customers_in_arrears(ctx: ServiceContext, partner_id: int) -> list[str]:
    rows = await ctx.session.scalars(
        select(Customer.name)
        .join(
            CustomerAccount,
            and_(
                CustomerAccount.partner_id == Customer.partner_id,
                CustomerAccount.customer_id == Customer.id,
            ),
        )
        .where(
            Customer.partner_id == partner_id,
            Customer.association_type == AssociationType.RESELLER,
            Customer.ended_at.is_(None),
            CustomerAccount.balance + CustomerAccount.credit_limit < 0,
        )
        .order_by(Customer.id)
        .limit(4)
    )
    return list(rows)


def _take_oldest(available: Invoiceable, cycles: list[str], amount: Decimal) -> dict[str, Decimal]:
    """`amount` from the named cycles' positive invoiceable amounts, oldest first."""
    lines: dict[str, Decimal] = {}
    left = amount
    for cycle in sorted(cycles):
        if left <= 0:
            break
        take = min(available.part(cycle).invoiceable, left)
        if take > 0:
            lines[cycle] = take
            left -= take
    return lines


def _lines_for_cycles(available: Invoiceable, cycles: list[str]) -> dict[str, Decimal]:
    errors = []
    for index, cycle in enumerate(cycles):
        parts = available.part(cycle)
        if parts.invoiceable > 0:
            continue
        if parts.referral > 0:
            errors.append(
                DomainError(
                    ErrorCode.REFERRAL_MODE,
                    f"{cycle} holds only REFERRAL-period consumption: the vendor invoices the "
                    "customer for it, not the partner.",
                    ["cycles", index],
                )
            )
        else:
            errors.append(
                DomainError(
                    ErrorCode.INVOICEABLE_EXCEEDED,
                    f"Nothing of {cycle} is left to invoice.",
                    ["cycles", index],
                )
            )
    if errors:
        raise DomainErrors(errors)
    wanted = sum((available.part(c).invoiceable for c in cycles), ZERO)
    amount = min(wanted, available.total)
    if amount <= 0:
        raise DomainError(
            ErrorCode.INVOICEABLE_EXCEEDED,
            "Refunds since these cycles were invoiced leave nothing to invoice.",
            ["cycles"],
        )
    return _take_oldest(available, cycles, amount)


def _lines_for_amount(available: Invoiceable, amount: Decimal) -> dict[str, Decimal]:
    total = available.total
    if amount > total:
        if available.referral > 0 and amount <= total + available.referral:
            raise DomainError(
                ErrorCode.REFERRAL_MODE,
                f"Only {total} is invoiceable to the partner; the rest would be "
                "REFERRAL-period consumption, which the vendor invoices to the customer.",
                ["amount"],
            )
        raise DomainError(
            ErrorCode.INVOICEABLE_EXCEEDED,
            f"The invoiceable amount is {total}; asked for {amount}.",
            ["amount"],
        )
    return _take_oldest(available, [c.cycle for c in available.cycles], amount)


@idempotent("requestInvoice", bind=_request_key, authorize=_authorize_request, ids=_invoice_ids)
async def request_invoice(
    ctx: ServiceContext,
    profile_id: int | None,
    cycles: list[str] | None = None,
    amount: Decimal | None = None,
) -> int:
    """Ask the platform for an invoice (ADMIN, FINANCE); returns the invoice's id."""
    ctx.principal.require(Permission.COUPONS_INVOICES)
    _request_key(profile_id, cycles, amount)
    partner_id = ctx.principal.partner_id
    assert partner_id is not None
    await ctx.session.scalar(select(Partner.id).where(Partner.id == partner_id).with_for_update())
    profile: InvoiceProfile = await find_visible(
        ctx,
        InvoiceProfile,
        profile_id,
        PROFILE_NOT_FOUND,
        ("profileId",),
        where=(InvoiceProfile.deleted_at.is_(None),),
    )
    if profile.invoice_type is InvoiceType.VAT_SPECIAL:
        names = await _customers_in_arrears(ctx, partner_id)
        if names:
            shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
            raise DomainError(
                ErrorCode.ARREARS,
                f"A special VAT invoice needs every RESELLER customer out of arrears ({shown}).",
                ["profileId"],
            )
    available = await invoiceable(ctx, partner_id)
    if cycles is not None:
        lines = _lines_for_cycles(available, cycles)
    else:
        assert amount is not None
        lines = _lines_for_amount(available, cents(amount))
    now = clock.now()
    invoice = Invoice(
        partner_id=partner_id,
        profile_id=profile.id,
        status=InvoiceStatus.REQUESTED,
        **{name: getattr(profile, name) for name in SNAPSHOT},
        item=INVOICE_ITEM,
        amount=sum(lines.values(), ZERO),
        requested_by_user_id=ctx.principal.user_id,
        requested_at=now,
        updated_at=now,
    )
    ctx.session.add(invoice)
    await ctx.session.flush()
    for cycle, part in sorted(lines.items()):
        ctx.session.add(
            InvoiceLine(partner_id=partner_id, invoice_id=invoice.id, bill_cycle=cycle, amount=part)
        )
    await ctx.session.flush()
    await audit.record(
        ctx,
        "invoice.request",
        "Invoice",
        invoice.id,
        partner_id=partner_id,
        after={
            "status": invoice.status,
            "amount": invoice.amount,
            "profileId": profile.id,
            "invoiceType": profile.invoice_type,
            "lines": {cycle: part for cycle, part in sorted(lines.items())},
        },
    )
    return invoice.id
