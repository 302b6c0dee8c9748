"""`closeBillCycle`: only an ended, open cycle is closed."""

from __future__ import annotations

from tests.factories import gql, platform_token

CLOSE = """
mutation Close($cycle: String!) {
  closeBillCycle(input: {cycle: $cycle}) {
    billCycle { cycle status }
    userErrors { code field message }
  }
}
"""


async def test_close_cycle_refuses_an_open_or_closed_cycle(client, session):
    token = await platform_token(session)
    body = await gql(client, CLOSE, {"cycle": "2026-06"}, token=token)
    assert body["data"]["closeBillCycle"]["userErrors"][0]["code"] == "CYCLE_NOT_ENDED"
    body = await gql(client, CLOSE, {"cycle": "2026-05"}, token=token)
    assert body["data"]["closeBillCycle"]["billCycle"] == {"cycle": "2026-05", "status": "FINAL"}
    body = await gql(client, CLOSE, {"cycle": "2026-05"}, token=token)
    assert body["data"]["closeBillCycle"]["userErrors"][0]["code"] == "CYCLE_CLOSED"
    body = await gql(client, CLOSE, {"cycle": "2026-13"}, token=token)
    assert body["data"]["closeBillCycle"]["userErrors"][0]["code"] == "INVALID_INPUT"
