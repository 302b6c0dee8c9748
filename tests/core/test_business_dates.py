"""Business dates beside UTC timestamps: what a BI tool groups by day.

The business calendar is Asia/Shanghai (UTC+8): 01:30 on 15 June in Shanghai is 17:30 UTC on
14 June, so a UTC date would put it on the wrong day. Consumption details, statement lines,
adjustments and orders carry `businessDate`; grouping details by it gives the DAY summary.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.models.customers.enums import ServiceType
from app.schema import schema
from tests.consumption.helpers import at, fund, ingest, make_product, on_demand_resource, usage
from tests.consumption.helpers import world as consumption_world
from tests.factories import gql, token_for
from tests.orders.helpers import make_world, order, pay

DETAILS = """
query Details($after: String) {
  consumptionDetails(filter: {cycleFrom: "2026-06"}, first: 100, after: $after) {
    nodes { day businessDate serviceType amounts { amountDue { amount } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SUMMARY = """
query Summary {
  consumptionSummary(groupBy: [CYCLE, DAY, SERVICE_TYPE], filter: {cycleFrom: "2026-06"}) {
    rows { day serviceType lines amounts { amountDue { amount } } }
  }
}
"""
MONEY = """
query Money {
  statement(first: 10) { nodes { occurredAt businessDate kind } }
  adjustmentRecords(first: 10) { nodes { createdAt businessDate kind } }
}
"""
ORDER = """
query Order($id: ID!) {
  node(id: $id) { ... on Order { createdAt businessDate paidAt paidBusinessDate } }
}
"""
# 01:30 on 15 June in Shanghai
AFTER_MIDNIGHT = datetime(2026, 6, 14, 17, 30, tzinfo=UTC)


async def test_details_grouped_by_business_date_give_the_day_summary(client, session):
    # given usage just after midnight and just before it (Shanghai) on several days
    w = await consumption_world(session)
    cdn = await make_product(session, ServiceType.CDN, unit="GB", unit_price="0.20000000")
    cdn_resource = await on_demand_resource(session, w.customer, cdn)
    records = []
    for d in range(1, 6):
        day = date(2026, 6, d)
        records += [usage(w.resource, at(day, 0), "1"), usage(w.resource, at(day, 23), "2")]
        records.append(usage(cdn_resource, at(day, 0), "10", unit="GB"))
    await ingest(session, records)
    token = await token_for(session, w.admin)

    # when
    details, after = [], None
    while True:
        page = (await gql(client, DETAILS, {"after": after}, token=token))["data"]
        details += page["consumptionDetails"]["nodes"]
        if not page["consumptionDetails"]["pageInfo"]["hasNextPage"]:
            break
        after = page["consumptionDetails"]["pageInfo"]["endCursor"]
    rows = (await gql(client, SUMMARY, token=token))["data"]["consumptionSummary"]["rows"]

    # then each business date's sum is its DAY row, and a record at 00:00 Shanghai (16:00 UTC
    # the day before) is on its Shanghai day
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    lines: dict[tuple[str, str], int] = defaultdict(int)
    for d in details:
        assert d["businessDate"] == d["day"]
        sums[(d["businessDate"], d["serviceType"])] += Decimal(d["amounts"]["amountDue"]["amount"])
        lines[(d["businessDate"], d["serviceType"])] += 1
    summary = {
        (r["day"], r["serviceType"]): (Decimal(r["amounts"]["amountDue"]["amount"]), r["lines"])
        for r in rows
    }
    assert summary == {key: (sums[key], lines[key]) for key in sums}
    assert sorted({d for d, _ in summary}) == [f"2026-06-0{d}" for d in range(1, 6)]


async def test_money_lines_carry_their_business_date(client, session, frozen_clock):
    # given money moved at 01:30 Shanghai time (still 14 June in UTC)
    frozen_clock.set(AFTER_MIDNIGHT)
    w = await consumption_world(session)
    await fund(session, w, "100.00")
    token = await token_for(session, w.admin)

    # when
    body = await gql(client, MONEY, token=token)

    # then
    statement = body["data"]["statement"]["nodes"]
    adjustments = body["data"]["adjustmentRecords"]["nodes"]
    assert statement and adjustments, body
    for line in statement:
        assert (line["occurredAt"], line["businessDate"]) == ("2026-06-14T17:30:00Z", "2026-06-15")
    for line in adjustments:
        assert (line["createdAt"], line["businessDate"]) == ("2026-06-14T17:30:00Z", "2026-06-15")


async def test_an_order_is_dated_on_the_business_days_it_was_placed_and_paid(
    client, session, frozen_clock
):
    # given an order placed at 23:50 on 14 June in Shanghai and paid 20 minutes later
    frozen_clock.set(AFTER_MIDNIGHT - timedelta(hours=1, minutes=40))
    world = await make_world(session)
    order_id = await order(client, world)
    before = await gql(client, ORDER, {"id": order_id}, token=world.admin)
    frozen_clock.advance(timedelta(minutes=20))
    paid = await pay(client, world.admin, [order_id])
    assert paid["userErrors"] == [], paid

    # when
    body = await gql(client, ORDER, {"id": order_id}, token=world.admin)

    # then
    assert before["data"]["node"]["paidBusinessDate"] is None
    assert body["data"]["node"] == {
        "createdAt": "2026-06-14T15:50:00Z",
        "businessDate": "2026-06-14",
        "paidAt": "2026-06-14T16:10:00Z",
        "paidBusinessDate": "2026-06-15",
    }


# -- DateTime errors suggest only values the scalar accepts ----------------------------------

QUOTED = re.compile(r'"([^"]+)"')


def _datetime():
    return schema._schema.type_map["DateTime"]


def _message(value) -> str:
    with pytest.raises(Exception) as refused:
        _datetime().parse_value(value)
    return str(refused.value)


@pytest.mark.parametrize(
    "value",
    [
        "2026-06-15",
        "2026-06-15T04:00",
        "2026-06-15T04",
        "2026-06-15 04:00:00",
        "20260615T040000",
        "2026-W24-1",
        "2026-06-15T04:00:00.5",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
        "junk",
        "",
        42,
        None,
        "x" * 80,
    ],
)
def test_every_example_a_datetime_error_suggests_is_accepted(value):
    message = _message(value)
    suggested = QUOTED.findall(message)

    assert suggested or "outside the supported range" in message, message
    for example in suggested:
        assert _datetime().parse_value(example).tzinfo is not None, (message, example)


def test_a_missing_offset_suggests_utc_and_the_business_time_zone():
    message = _message("2026-06-15T12:00:00")

    assert QUOTED.findall(message) == ["2026-06-15T12:00:00Z", "2026-06-15T12:00:00+08:00"]
    assert _datetime().parse_value("2026-06-15T12:00:00+08:00") == datetime(
        2026, 6, 15, 4, tzinfo=UTC
    )
