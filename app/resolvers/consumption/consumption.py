"""Resolvers of consumption: details, summaries, per-customer totals, ingest and cycles."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import Outcome, run_mutation
from app.services.consumption import cycles as consumption_cycles
from app.services.consumption import ingest
from app.services.consumption import percentile as consumption_percentile
from app.services.consumption import queries as consumption_queries
from app.services.consumption.ingest import IngestResult
from app.services.consumption.queries import ConsumptionFilter, DetailOrderField
from app.services.core.errors import BadRequest
from app.services.core.pagination import Direction, Page, PageRequest

if TYPE_CHECKING:
    from app.schema.consumption.consumption import (
        ConsumptionDetailOrder,
        ConsumptionFilterInput,
        IngestUsageInput,
    )


def _ids(values: list[Any] | None, type_name: str, name: str) -> tuple[int, ...] | None:
    if values is None:
        return None
    out = []
    for value in values:
        row_id = parse_id(value, type_name)
        if row_id is None:
            raise BadRequest(f"{name} holds {value!r}, which is not a {type_name} id.")
        out.append(row_id)
    return tuple(out)


def to_filter(value: ConsumptionFilterInput | None) -> ConsumptionFilter:
    if value is None:
        return ConsumptionFilter()
    return ConsumptionFilter(
        cycle_from=value.cycle_from,
        cycle_to=value.cycle_to,
        customer_ids=_ids(value.customer_ids, "Customer", "customerIds"),
        service_types=tuple(value.service_types) if value.service_types else None,
        regions=tuple(value.regions) if value.regions else None,
        billing_modes=tuple(value.billing_modes) if value.billing_modes else None,
        resource_ids=_ids(value.resource_ids, "Resource", "resourceIds"),
        kinds=tuple(value.kinds) if value.kinds else None,
    )


def _order(order_by: ConsumptionDetailOrder | None) -> tuple[DetailOrderField, Direction]:
    if order_by is None:
        return DetailOrderField.ID, Direction.ASC
    return order_by.field, order_by.direction


async def list_details(
    ctx: RequestContext,
    filter: ConsumptionFilterInput | None,
    order_by: ConsumptionDetailOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    field, direction = _order(order_by)
    return await consumption_queries.list_details(
        ctx.service, to_filter(filter), field, direction, page
    )


async def resource_details(
    ctx: RequestContext,
    resource_id: int,
    filter: ConsumptionFilterInput | None,
    order_by: ConsumptionDetailOrder | None,
    first: int | None,
    after: str | None,
) -> Page:
    page = PageRequest.from_args(first, after)
    field, direction = _order(order_by)
    base = to_filter(filter)
    args = (base, field, direction, page)
    return await ctx.loaders.consumption_pages_by_resource.get(args).load(resource_id)


async def summary(
    ctx: RequestContext, filter: ConsumptionFilterInput | None, group_by: list[Any]
) -> consumption_queries.Summary:
    return await consumption_queries.summary(ctx.service, to_filter(filter), list(group_by))


async def customer_consumption(ctx: RequestContext, customer_id: int, cycle: str | None) -> Any:
    cycles = consumption_queries.cycles_between(cycle, cycle)
    totals = await ctx.loaders.consumption_by_customer.get(cycles[0]).load(customer_id)
    state = await ctx.loaders.cycle_state.load(cycles[0])
    return cycles[0], totals, state


async def customers_consumption(
    ctx: RequestContext, customer_ids: list[int], cycle: str | None
) -> list[Any]:
    """`customer_consumption` of several customers for one cycle, in one batch."""
    cycles = consumption_queries.cycles_between(cycle, cycle)
    totals, state = await asyncio.gather(
        ctx.loaders.consumption_by_customer.get(cycles[0]).load_many(customer_ids),
        ctx.loaders.cycle_state.load(cycles[0]),
    )
    return [(cycles[0], found, state) for found in totals]


async def percentile_bill(ctx: RequestContext, resource_id: int, cycle: str) -> Any:
    consumption_queries.cycles_between(cycle, cycle)
    return await ctx.loaders.percentile_bill.load((resource_id, cycle))


async def percentile_corrections(ctx: RequestContext, resource_id: int, cycle: str) -> list[Any]:
    return await ctx.loaders.percentile_corrections.load((resource_id, cycle))


def _record(value: Any) -> dict[str, Any]:
    """A GraphQL usage record as the ingest service reads records from files (the service
    parses the ids, the same way for both)."""
    raw: dict[str, Any] = {
        "sourceId": value.source_id,
        "resourceId": value.resource_id,
        "kind": value.kind.value,
    }
    optional = {
        "serviceType": value.service_type.value if value.service_type else None,
        "region": value.region,
        "startAt": value.start_at.isoformat() if value.start_at else None,
        "endAt": value.end_at.isoformat() if value.end_at else None,
        "quantity": str(value.quantity) if value.quantity is not None else None,
        "unit": value.unit,
        "sampledAt": value.sampled_at.isoformat() if value.sampled_at else None,
        "mbps": str(value.mbps) if value.mbps is not None else None,
    }
    raw.update({k: v for k, v in optional.items() if v is not None})
    return raw


async def ingest_usage(ctx: RequestContext, input: IngestUsageInput) -> Outcome[IngestResult]:
    records = [_record(r) for r in input.records]
    return await run_mutation(ctx, lambda: ingest.ingest_usage(ctx.service, records))


async def close_bill_cycle(ctx: RequestContext, cycle: str) -> Outcome[Any]:
    return await run_mutation(ctx, lambda: consumption_cycles.close_bill_cycle(ctx.service, cycle))


async def rate_bandwidth_percentile(ctx: RequestContext, cycle: str) -> Outcome[int]:
    return await run_mutation(
        ctx, lambda: consumption_percentile.rate_bandwidth_percentile(ctx.service, cycle)
    )
