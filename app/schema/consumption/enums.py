"""The consumption domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.consumption.enums import BillCycleStatus, DetailKind
from app.schema.core.enums import graphql_enum
from app.services.consumption.ingest import UsageRecordKind
from app.services.consumption.queries import DetailOrderField, GroupBy

CycleStatus = graphql_enum(
    BillCycleStatus,
    "Whether a bill cycle's numbers may still change.",
    {
        "PROVISIONAL": "Still accruing: usage may still be added.",
        "FINAL": "Closed: the numbers never change; corrections go to a later cycle.",
    },
    name="CycleStatus",
)

ConsumptionDetailKind = graphql_enum(
    DetailKind,
    "What a consumption detail line records.",
    {
        "USAGE": "A resource's on-demand usage of one business day.",
        "PREPAID": "A paid yearly/monthly order.",
        "PERCENTILE": "A month of 95th-percentile bandwidth.",
        "CORRECTION": "Late usage of a closed cycle, booked in an open one.",
        "REFUND": (
            "A refund of a paid yearly/monthly order (unsubscribe or downgrade): a negative "
            "line in the cycle open when the money came back, naming the refunded order; "
            "`correctsCycle`/`correctsDay` are those of the order's own line."
        ),
    },
    name="ConsumptionDetailKind",
)

ConsumptionDetailOrderField = graphql_enum(
    DetailOrderField,
    "Fields consumption details can be ordered by (ties broken by id).",
    {
        "ID": "Insertion order (the export's order).",
        "DAY": "Business day of the line.",
    },
    name="ConsumptionDetailOrderField",
)

ConsumptionGroupBy = graphql_enum(
    GroupBy,
    "Dimensions a consumption summary can be grouped by.",
    {
        "CYCLE": "Bill cycle (YYYY-MM).",
        "CUSTOMER": "Customer.",
        "SERVICE_TYPE": "Cloud service.",
        "REGION": "Region.",
        "BILLING_MODE": "Billing mode.",
        "DAY": "Business day; combine only with CYCLE and one of SERVICE_TYPE or REGION.",
    },
    name="ConsumptionGroupBy",
)

graphql_enum(
    UsageRecordKind,
    "What an ingested record is.",
    {
        "USAGE": "Metered usage over a time span.",
        "BANDWIDTH_SAMPLE": "A 5-minute bandwidth sample (Mbps).",
    },
)


__all__ = [
    "ConsumptionDetailKind",
    "ConsumptionDetailOrderField",
    "ConsumptionGroupBy",
    "CycleStatus",
    "UsageRecordKind",
]
