"""`CASES` entries of the invoices mutations (see `mutation_cases`)."""

from __future__ import annotations

from app.models.partners.enums import Role
from tests.core.mutation_cases import case, gid, partner_with
from tests.factories import make_user
from tests.invoices.helpers import make_profile, special


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
