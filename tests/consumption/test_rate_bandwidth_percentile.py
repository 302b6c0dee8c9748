"""`rateBandwidthPercentile`: the mutation that rates a month of 95th-percentile bandwidth."""

from __future__ import annotations

from tests.consumption.helpers import ingest, world
from tests.consumption.percentile_helpers import MAY_1, bandwidth, samples
from tests.factories import gql, token_for

RATE = """
mutation Rate($cycle: String!) {
  rateBandwidthPercentile(input: {cycle: $cycle}) { billsWritten userErrors { code } }
}
"""


async def test_rate_bandwidth_percentile_mutation(client, session):
    from tests.factories import platform_token

    # given samples in May
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, [10] * 20))
    token = await platform_token(session)

    # when / then: the open cycle is refused, May is billed once, a partner may not
    body = await gql(client, RATE, {"cycle": "2026-06"}, token=token)
    assert body["data"]["rateBandwidthPercentile"]["userErrors"] == [{"code": "CYCLE_NOT_ENDED"}]
    body = await gql(client, RATE, {"cycle": "2026-05"}, token=token)
    assert body["data"]["rateBandwidthPercentile"] == {"billsWritten": 1, "userErrors": []}
    body = await gql(client, RATE, {"cycle": "2026-05"}, token=await token_for(session, w.admin))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
