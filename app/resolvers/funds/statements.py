"""Resolver of the partner's account statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.context import RequestContext
from app.services.core.pagination import Page, PageRequest
from app.services.funds import statements as service
from app.services.funds.statements import StatementFilter

if TYPE_CHECKING:
    from app.schema.funds.statements import StatementFilter as StatementFilterInput


def to_filter(value: StatementFilterInput | None) -> StatementFilter:
    if value is None:
        return StatementFilter()
    between = value.occurred_between
    return StatementFilter(
        account=value.account.value,  # PartnerLedgerAccount: its value is the LedgerAccount
        occurred_from=between.from_ if between else None,
        occurred_to=between.to if between else None,
        kinds=tuple(value.kinds) if value.kinds else None,
    )


async def statement(
    ctx: RequestContext,
    filter: StatementFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    return await service.partner_statement(ctx.service, to_filter(filter), page)
