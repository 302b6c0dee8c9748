"""Resolvers of adjustments (调账) and adjustment records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_once
from app.resolvers.core.reload import reload
from app.services.core.pagination import Page, PageRequest
from app.services.funds import adjustments as service
from app.services.funds.adjustments import AdjustmentFilter

if TYPE_CHECKING:
    from app.schema.funds.adjustments import AdjustCustomerFundsInput, AdjustmentRecordFilter


def to_filter(value: AdjustmentRecordFilter | None) -> AdjustmentFilter:
    if value is None:
        return AdjustmentFilter()
    between = value.created_between
    return AdjustmentFilter(
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        kinds=tuple(value.kinds) if value.kinds else None,
        created_from=between.from_ if between else None,
        created_to=between.to if between else None,
        transaction_no=value.transaction_id,
    )


async def list_adjustments(
    ctx: RequestContext,
    filter: AdjustmentRecordFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_adjustments(ctx.service, to_filter(filter), page)
    ctx.loaders.adjustment.prime_many(result.rows)
    return result


async def adjust_customer_funds(
    ctx: RequestContext, input: AdjustCustomerFundsInput
) -> Outcome[dict[str, Any]]:
    customer_id = parse_id(input.customer_id, "Customer")
    kind = input.kind.value  # AdjustmentInputKind: its value is the AdjustmentKind

    outcome = await run_once(
        lambda: service.adjust_customer_funds.once(
            ctx.service,
            input.idempotency_key,
            customer_id,
            kind,
            input.amount,
            input.remark,
            currency=input.currency,
        )
    )
    if outcome.value is None:
        return Outcome(errors=outcome.errors)
    ids = outcome.value
    ctx.loaders.customer_position.clear(ids["customer"])
    return Outcome(
        value={
            "adjustment": await reload(ctx.loaders.adjustment, ids["adjustment"]),
            "customer": await reload(ctx.loaders.customer, ids["customer"]),
        }
    )
