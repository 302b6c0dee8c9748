"""95th-percentile bandwidth billing against hand-computed cases (May 2026: 31 days)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.services.consumption.percentile import rate_bandwidth_percentile
from app.services.consumption.verify import verify
from tests.consumption.helpers import at, ingest, world
from tests.consumption.percentile_helpers import FIVE_MINUTES, MAY_1, bandwidth, samples
from tests.factories import gql, iso, token_for
from tests.funds.helpers import assert_books_balance, platform

BILL = """
query Bill($id: ID!) {
  node(id: $id) {
    ... on Resource {
      percentileBill(cycle: "2026-05") {
        sampleCount discardedCount billableMbps billableSampledAt daysWithTraffic daysInMonth
        unitPrice { amount } amount { amount }
      }
    }
  }
}
"""


async def bill_of(client, session, w, resource):
    from tests.factories import global_id

    token = await token_for(session, w.admin)
    body = await gql(client, BILL, {"id": global_id("Resource", resource.id)}, token=token)
    return body["data"]["node"]["percentileBill"]


async def test_one_day_of_288_samples(client, session):
    # given samples 1..288 Mbps on 1 May: floor(288 x 5 %) = 14 discarded (288..275)
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))

    # when
    assert await rate_bandwidth_percentile(platform(session), "2026-05") == 1

    # then billable = 274 Mbps, the 274th sample; 274 x 75 x 1 / 31 = 662.903225806...
    bill = await bill_of(client, session, w, resource)
    assert bill == {
        "sampleCount": 288,
        "discardedCount": 14,
        "billableMbps": "274.00000000",
        "billableSampledAt": iso(at(MAY_1) + 273 * FIVE_MINUTES),
        "daysWithTraffic": 1,
        "daysInMonth": 31,
        "unitPrice": {"amount": "75.00000000"},
        "amount": {"amount": "662.90322581"},
    }
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_ties_take_the_earliest_of_the_equal_samples(client, session):
    # given 20 samples at 500 Mbps among 288: 14 discarded, the 15th 500 is billable
    w = await world(session)
    resource = await bandwidth(session, w)
    values = [1] * 288
    peaks = list(range(100, 120))
    for i in peaks:
        values[i] = 500
    await ingest(session, samples(resource, MAY_1, values))

    # when
    await rate_bandwidth_percentile(platform(session), "2026-05")

    # then
    bill = await bill_of(client, session, w, resource)
    assert bill["billableMbps"] == "500.00000000"
    assert bill["billableSampledAt"] == iso(at(MAY_1) + peaks[14] * FIVE_MINUTES)
    assert bill["amount"] == {"amount": "1209.67741935"}  # 500 x 75 / 31


async def test_missing_samples_and_days_without_traffic(client, session):
    # given 60 samples on 2 May, 40 on 3 May, and a day of zeros on 4 May: n = 172
    w = await world(session)
    resource = await bandwidth(session, w)
    records = samples(resource, MAY_1 + timedelta(days=1), [10] * 55 + [90] * 5)
    records += samples(resource, MAY_1 + timedelta(days=2), [20] * 36 + [80] * 4)
    records += samples(resource, MAY_1 + timedelta(days=3), [0] * 72)
    await ingest(session, records)

    # when
    await rate_bandwidth_percentile(platform(session), "2026-05")

    # then floor(172 x 5 %) = 8 discarded: the five 90s and three 80s; billable 80
    bill = await bill_of(client, session, w, resource)
    assert (bill["sampleCount"], bill["discardedCount"]) == (172, 8)
    assert bill["billableMbps"] == "80.00000000"
    assert bill["daysWithTraffic"] == 2
    assert bill["amount"] == {"amount": "387.09677419"}  # 80 x 75 x 2 / 31


async def test_resource_created_mid_month_pays_its_days_with_traffic(client, session):
    # given a resource created on 20 May with 12 days of 288 samples at 40 Mbps
    w = await world(session)
    resource = await bandwidth(session, w)
    records = []
    for d in range(19, 31):
        records += samples(resource, MAY_1 + timedelta(days=d), [40] * 288)
    await ingest(session, records)

    # when
    await rate_bandwidth_percentile(platform(session), "2026-05")

    # then 40 x 75 x 12 / 31
    bill = await bill_of(client, session, w, resource)
    assert bill["daysWithTraffic"] == 12
    assert Decimal(bill["amount"]["amount"]) == Decimal("1161.29032258")
    assert await rate_bandwidth_percentile(platform(session), "2026-05") == 0  # idempotent
    assert await verify(session) == []


async def test_samples_of_a_resource_not_billed_on_the_percentile_are_rejected(session):
    w = await world(session)
    result = await ingest(session, samples(w.resource, MAY_1, [10]))
    assert [r.reason for r in result.rejected] == [
        "the resource is not billed on the 95th percentile"
    ]
