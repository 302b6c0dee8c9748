"""`CASES` entries of the invoices mutations (see `mutation_cases`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.models.partners.enums import Role
from app.services.invoices import transitions
from tests.core.mutation_cases import case, gid, partner_with
from tests.factories import make_partner, make_user, platform_token, token_for
from tests.funds.helpers import acting_as
from tests.invoices.helpers import make_profile, special
from tests.invoices.money import consume, iid, issue, request, spender


@case("createInvoiceProfile")
async def _create_invoice_profile(session, client):
    _, finance = await partner_with(session, Role.FINANCE)
    return finance, special()


@case("updateInvoiceProfile")
async def _update_invoice_profile(session, client):
    partner, finance = await partner_with(session, Role.FINANCE)
    profile = await make_profile(session, await make_user(session, partner, Role.ADMIN))
    return finance, {"profileId": gid("InvoiceProfile", profile), "title": "改名有限公司"}


@case("deleteInvoiceProfile")
async def _delete_invoice_profile(session, client):
    partner, finance = await partner_with(session, Role.FINANCE)
    profile = await make_profile(session, await make_user(session, partner, Role.ADMIN))
    return finance, {"profileId": gid("InvoiceProfile", profile)}


# --- invoices: the partner's requests, the platform's decisions, returns ---------------------


async def _invoice(session, status: str = "REQUESTED") -> tuple[Any, Any, int]:
    """A partner (with an ADMIN) and one invoice of 10.00 moved to `status`."""
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    who = await spender(session, partner, admin)
    await consume(session, who, "10.00", date(2026, 5, 4))
    profile = await make_profile(session, admin)
    invoice = await request(session, admin, profile.id, amount="10.00")
    if status in ("ISSUED", "RETURN_REQUESTED"):
        await issue(session, invoice, f"{partner.id:08d}", date(2026, 6, 15))
    if status == "RETURN_REQUESTED":
        await transitions.request_invoice_return(acting_as(session, admin), invoice, "抬头有误")
    return partner, admin, invoice


@case("requestInvoice")
async def _request_invoice(session, client):
    partner, finance = await partner_with(session, Role.FINANCE)
    admin = await make_user(session, partner, Role.ADMIN)
    who = await spender(session, partner, admin)
    await consume(session, who, "10.00", date(2026, 5, 4))
    profile = await make_profile(session, admin)
    return finance, {
        "profileId": gid("InvoiceProfile", profile),
        "amount": "10.00",
        "idempotencyKey": "request-invoice-1",
    }


@case("cancelInvoiceRequest")
async def _cancel_invoice_request(session, client):
    _, admin, invoice = await _invoice(session)
    return await token_for(session, admin), {"invoiceId": iid(invoice)}


@case("issueInvoice")
async def _issue_invoice(session, client):
    _, _, invoice = await _invoice(session)
    return await platform_token(session), {
        "invoiceId": iid(invoice),
        "invoiceNumber": "04400123",
        "issueDate": "2026-06-15",
    }


@case("rejectInvoice")
async def _reject_invoice(session, client):
    _, _, invoice = await _invoice(session)
    return await platform_token(session), {"invoiceId": iid(invoice), "reason": "税号有误"}


@case("requestInvoiceReturn")
async def _request_invoice_return(session, client):
    _, admin, invoice = await _invoice(session, "ISSUED")
    return await token_for(session, admin), {"invoiceId": iid(invoice), "reason": "抬头有误"}


@case("confirmInvoiceReturn")
async def _confirm_invoice_return(session, client):
    _, _, invoice = await _invoice(session, "RETURN_REQUESTED")
    return await platform_token(session), {"invoiceId": iid(invoice)}


@case("refuseInvoiceReturn")
async def _refuse_invoice_return(session, client):
    _, _, invoice = await _invoice(session, "RETURN_REQUESTED")
    return await platform_token(session), {"invoiceId": iid(invoice), "reason": "已认证抵扣"}
