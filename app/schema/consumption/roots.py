"""Root fields of consumption: details, summaries, and the platform's ingest and cycles."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.resolvers.consumption import consumption as resolvers
from app.schema.consumption import ingest as consumption_ingest
from app.schema.consumption.consumption import (
    ConsumptionDetail,
    ConsumptionDetailOrder,
    ConsumptionFilter,
    ConsumptionSummary,
)
from app.schema.consumption.enums import ConsumptionGroupBy
from app.schema.core.relay import After, Before, Connection, First, Last, connection


@strawberry.type(description="Read entry points: consumption.")
class Query:
    @strawberry.field(
        description=(
            "Consumption detail lines (keyset pages; a deep page costs what the first does)."
        )
    )
    async def consumption_details(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ConsumptionFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            ConsumptionDetailOrder | None,
            strawberry.argument(description="Ordering (default: ID ascending)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ConsumptionDetail]:
        page = await resolvers.list_details(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, ConsumptionDetail.from_row)

    @strawberry.field(
        description=(
            "Consumption totals per cycle grouped by dimensions, read from rollups only. "
            "Supported groupBy: any subset of CYCLE, CUSTOMER, SERVICE_TYPE, REGION, "
            "BILLING_MODE; or DAY with CYCLE and at most one of SERVICE_TYPE or REGION."
        )
    )
    async def consumption_summary(
        self,
        info: strawberry.Info,
        group_by: Annotated[
            list[ConsumptionGroupBy], strawberry.argument(description="Dimensions of the rows.")
        ],
        filter: Annotated[
            ConsumptionFilter | None,
            strawberry.argument(description="Conditions (resourceIds and kinds not allowed)."),
        ] = None,
    ) -> ConsumptionSummary:
        return ConsumptionSummary.of(await resolvers.summary(info.context, filter, group_by))


@strawberry.type(description="Changes: consumption (platform side).")
class Mutation:
    ingest_usage: consumption_ingest.IngestUsagePayload = strawberry.mutation(
        resolver=consumption_ingest.ingest_usage,
        description=(
            "Ingest up to 1,000 usage records or bandwidth samples (PLATFORM); idempotent per "
            "sourceId; ended days are rated and charged."
        ),
    )
    close_bill_cycle: consumption_ingest.CloseBillCyclePayload = strawberry.mutation(
        resolver=consumption_ingest.close_bill_cycle,
        description="Close an ended bill cycle: its numbers become FINAL (PLATFORM).",
    )
    rate_bandwidth_percentile: consumption_ingest.RateBandwidthPercentilePayload = (
        strawberry.mutation(
            resolver=consumption_ingest.rate_bandwidth_percentile,
            description="Bill 95th-percentile bandwidth for an ended cycle (PLATFORM).",
        )
    )
