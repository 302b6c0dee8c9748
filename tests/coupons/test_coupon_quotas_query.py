"""`couponQuotas` and `couponQuotaRecords`: the partner's money readers and the platform;
SALES and customers are refused; another partner's quota reads as missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.coupons.helpers import RECLAIM_QUOTA, cash, grant, issue
from tests.factories import customer_token, global_id, gql, make_partner

QUOTAS = """
query($filter: CouponQuotaFilter, $first: Int) {
  couponQuotas(filter: $filter, first: $first) {
    totalCount
    nodes { id status amount { amount } remaining { amount } partner { id } }
  }
}
"""
RECORDS = """
query($id: ID!, $first: Int, $after: String) {
  couponQuotaRecords(quotaId: $id, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { kind amount { amount } delta { amount } remainingAfter { amount } coupon { id } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on CouponQuota { id remaining { amount } } } }"


def qid(quota):
    return global_id("CouponQuota", quota.id)


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "VIEWER"])
async def test_the_partners_quotas_newest_first(client, session, world, frozen_clock, role):
    # given a second quota, granted later, that has since expired
    frozen_clock.advance(timedelta(minutes=1))
    short = await grant(session, world.partner, "50.00", days=1)
    frozen_clock.advance(timedelta(days=2))
    await grant(session, await make_partner(session))  # another partner's

    # when
    body = await gql(client, QUOTAS, token=world.tokens[role])
    active = await gql(
        client, QUOTAS, {"filter": {"statuses": ["ACTIVE"]}}, token=world.tokens[role]
    )

    # then
    page = body["data"]["couponQuotas"]
    assert page["totalCount"] == 2
    assert [(n["id"], n["status"]) for n in page["nodes"]] == [
        (qid(short), "EXPIRED"),
        (qid(world.quota), "ACTIVE"),
    ]
    assert [n["id"] for n in active["data"]["couponQuotas"]["nodes"]] == [qid(world.quota)]


async def test_the_platform_reads_every_partners_or_one(client, session, world):
    other = await make_partner(session)
    theirs = await grant(session, other)
    token = world.tokens["PLATFORM"]

    everyone = await gql(client, QUOTAS, {"first": 100}, token=token)
    one = await gql(
        client, QUOTAS, {"filter": {"partnerId": global_id("Partner", other.id)}}, token=token
    )

    ids = {n["id"] for n in everyone["data"]["couponQuotas"]["nodes"]}
    assert {qid(world.quota), qid(theirs)} <= ids
    assert [n["id"] for n in one["data"]["couponQuotas"]["nodes"]] == [qid(theirs)]
    assert one["data"]["couponQuotas"]["nodes"][0]["partner"] == {
        "id": global_id("Partner", other.id)
    }


async def test_records_with_their_running_remainder(client, session, world):
    # given two issues and a platform reclaim
    coupons = await issue(session, world.finance, world.quota, world.customers[:2], cash("100.00"))
    await gql(
        client,
        RECLAIM_QUOTA,
        {"input": {"quotaId": qid(world.quota), "amount": "300.00", "idempotencyKey": "r"}},
        token=world.tokens["PLATFORM"],
    )

    # when
    first = await gql(
        client, RECORDS, {"id": qid(world.quota), "first": 3}, token=world.tokens["VIEWER"]
    )
    cursor = first["data"]["couponQuotaRecords"]["pageInfo"]["endCursor"]
    rest = await gql(
        client,
        RECORDS,
        {"id": qid(world.quota), "first": 3, "after": cursor},
        token=world.tokens["VIEWER"],
    )

    # then newest first
    lines = [
        (n["kind"], n["amount"]["amount"], n["delta"]["amount"], n["remainingAfter"]["amount"])
        for page in (first, rest)
        for n in page["data"]["couponQuotaRecords"]["nodes"]
    ]
    assert lines == [
        ("PLATFORM_RECLAIM", "300.00", "-300.00", "500.00"),
        ("ISSUE", "100.00", "-100.00", "800.00"),
        ("ISSUE", "100.00", "-100.00", "900.00"),
        ("GRANT", "1000.00", "1000.00", "1000.00"),
    ]
    issued = first["data"]["couponQuotaRecords"]["nodes"][2]["coupon"]
    assert issued == {"id": global_id("Coupon", coupons[0].id)}
    assert rest["data"]["couponQuotaRecords"]["pageInfo"]["hasNextPage"] is False


async def test_another_partners_quota_reads_as_missing(client, session, world):
    theirs = await grant(session, await make_partner(session))
    token = world.tokens["ADMIN"]

    records = await gql(client, RECORDS, {"id": qid(theirs)}, token=token)
    missing = await gql(client, RECORDS, {"id": global_id("CouponQuota", 10**9)}, token=token)
    node = await gql(client, NODE, {"id": qid(theirs)}, token=token)
    own = await gql(client, NODE, {"id": qid(world.quota)}, token=token)

    assert records == missing
    assert records["data"]["couponQuotaRecords"]["nodes"] == []
    assert node["data"]["node"] is None
    assert own["data"]["node"] == {"id": qid(world.quota), "remaining": {"amount": "1000.00"}}


async def test_sales_and_customers_may_not_read_quotas(client, session, world):
    customer = await customer_token(session, world.customers[0])
    for token in (world.tokens["SALES"], customer):
        for document, variables in ((QUOTAS, {}), (RECORDS, {"id": qid(world.quota)})):
            body = await gql(client, document, variables, token=token)
            assert body["data"] is None
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        node = await gql(client, NODE, {"id": qid(world.quota)}, token=token)
        assert node["data"]["node"] is None


QUOTAS_WITH_RECORDS = """
query($first: Int) {
  couponQuotas(first: $first) {
    nodes { id records(first: 2) { totalCount nodes { kind remainingAfter { amount } } } }
  }
}
"""


async def test_quota_records_nested_are_batched(client, session, world, frozen_clock, statements):
    # given four more quotas, each with two coupons issued
    for _ in range(4):
        frozen_clock.advance(timedelta(minutes=1))
        quota = await grant(session, world.partner, "100.00")
        await issue(session, world.finance, quota, world.customers[:2], cash("10.00"))
    token = world.tokens["FINANCE"]
    await gql(client, QUOTAS_WITH_RECORDS, {"first": 1}, token=token)  # warm up

    # when
    counts = []
    for first in (2, 5):
        statements.reset()
        statements.active = True
        body = await gql(client, QUOTAS_WITH_RECORDS, {"first": first}, token=token)
        statements.active = False
        assert "errors" not in body, body
        counts.append(statements.count)

    # then
    assert counts[0] == counts[1]
    nodes = body["data"]["couponQuotas"]["nodes"]
    assert [n["records"]["totalCount"] for n in nodes] == [3, 3, 3, 3, 1]
    assert nodes[0]["records"]["nodes"] == [
        {"kind": "ISSUE", "remainingAfter": {"amount": "80.00"}},
        {"kind": "ISSUE", "remainingAfter": {"amount": "90.00"}},
    ]
