"""Resolvers of partner certification (PLATFORM) and the platform's list of partners."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import Outcome, run_once
from app.resolvers.core.reload import reloaded
from app.services.core.pagination import Page, PageRequest
from app.services.partners import certification as service
from app.services.partners import partners
from app.services.partners.partners import PartnerFilter

if TYPE_CHECKING:
    from app.schema.partners.certification import CertifyPartnerInput
    from app.schema.partners.certification import PartnerFilter as PartnerFilterInput


def to_filter(value: PartnerFilterInput | None) -> PartnerFilter:
    if value is None:
        return PartnerFilter()
    return PartnerFilter(
        certification_status=value.certification_status,
        name_contains=value.name_contains,
        certification_expires_before=value.certification_expires_before,
    )


async def list_partners(
    ctx: RequestContext,
    filter: PartnerFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await partners.list_partners(ctx.service, to_filter(filter), page)
    ctx.loaders.partner.prime_many(result.rows)
    return result


async def certify_partner(ctx: RequestContext, input: CertifyPartnerInput) -> Outcome[Any]:
    partner_id = parse_id(input.partner_id, "Partner")
    outcome = await run_once(
        lambda: service.certify_partner.once(ctx.service, input.idempotency_key, partner_id)
    )
    return await reloaded(outcome, ctx.loaders.partner, itemgetter("partner"))
