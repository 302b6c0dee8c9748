"""Resolvers of a partner's own notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_mutation
from app.services.core.pagination import Page, PageRequest
from app.services.partners import partner_notifications as service
from app.services.partners.partner_notifications import PartnerNotificationFilter

if TYPE_CHECKING:
    from app.schema.partners.partner_notifications import (
        MarkPartnerNotificationsReadInput,
    )
    from app.schema.partners.partner_notifications import (
        PartnerNotificationFilter as PartnerNotificationFilterInput,
    )


@dataclass(slots=True)
class MarkedRows:
    """The notifications named by id, re-read, and how many the call marked."""

    rows: list[Any]
    marked: int


def to_filter(value: PartnerNotificationFilterInput | None) -> PartnerNotificationFilter:
    if value is None:
        return PartnerNotificationFilter()
    between = value.created_between
    return PartnerNotificationFilter(
        kinds=tuple(value.kinds) if value.kinds else None,
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        unread=value.unread,
        created_from=between.from_ if between else None,
        created_to=between.to if between else None,
    )


async def list_partner_notifications(
    ctx: RequestContext,
    filter: PartnerNotificationFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_partner_notifications(ctx.service, to_filter(filter), page)
    ctx.loaders.partner_notification.prime_many(result.rows)
    return result


async def unread_count(ctx: RequestContext) -> int:
    return await service.count_unread(ctx.service)


async def load_customer(ctx: RequestContext, customer_id: int | None) -> Any:
    return None if customer_id is None else await ctx.loaders.customer.load(customer_id)


async def mark_partner_notifications_read(
    ctx: RequestContext, input: MarkPartnerNotificationsReadInput
) -> Outcome[MarkedRows]:
    # a malformed or foreign-typed id is 0: the service answers NOT_FOUND at its index
    ids = [parse_id(gid, "PartnerNotification") or 0 for gid in input.ids or []]
    up_to = parse_optional_id(input.up_to_id, "PartnerNotification")

    async def work() -> Any:
        return await service.mark_partner_notifications_read(ctx.service, ids, up_to)

    outcome = await run_mutation(ctx, work)
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    loader = ctx.loaders.partner_notification
    for row_id in outcome.value.ids:
        loader.clear(row_id)
    rows = await loader.load_many(outcome.value.ids)
    return Outcome(value=MarkedRows([r for r in rows if r is not None], outcome.value.marked))
