"""Resolver of the partner's account statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.context import RequestContext
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.core.pagination import Page, PageRequest
from app.services.funds import statements as service
from app.services.funds.statements import StatementFilter

if TYPE_CHECKING:
    from app.schema.funds.statements import StatementFilter as StatementFilterInput

ACCOUNTS = {
    "ALLOCATABLE": LedgerAccount.PARTNER_ALLOCATABLE,
    "HELD": LedgerAccount.PARTNER_HELD,
    "INCENTIVE": LedgerAccount.PARTNER_INCENTIVE,
}


def to_filter(value: StatementFilterInput | None) -> StatementFilter:
    if value is None:
        return StatementFilter()
    between = value.occurred_between
    return StatementFilter(
        account=ACCOUNTS[value.account.value],
        occurred_from=between.from_ if between else None,
        occurred_to=between.to if between else None,
        kinds=tuple(LedgerKind(k.value) for k in value.kinds) if value.kinds else None,
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
