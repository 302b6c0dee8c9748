"""consumptionDetails, consumptionSummary and Customer.consumption through HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app.models.customers.enums import ServiceType
from app.models.partners.enums import Role
from tests.consumption.helpers import (
    at,
    ingest,
    make_product,
    on_demand_resource,
    usage,
    world,
)
from tests.factories import gql, make_customer, make_partner, make_user, token_for

DETAILS = """
query Details($filter: ConsumptionFilter, $first: Int, $after: String,
              $orderBy: ConsumptionDetailOrder) {
  consumptionDetails(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id billCycle day kind serviceType usage unit
      amounts { listAmount { amount } amountDue { amount } cashPaid { amount } }
      customer { id } resource { id }
    }
  }
}
"""

SUMMARY = """
query Summary($groupBy: [ConsumptionGroupBy!]!, $filter: ConsumptionFilter) {
  consumptionSummary(groupBy: $groupBy, filter: $filter) {
    cycleStatus asOf
    cycles { cycle status }
    rows {
      cycle serviceType region billingMode day lines usage unit customer { id }
      amounts { amountDue { amount } listAmount { amount } }
    }
  }
}
"""

CUSTOMERS = """
query Customers($first: Int!, $cycle: String) {
  customers(first: $first) {
    nodes {
      id
      consumption(cycle: $cycle) { cycle cycleStatus lines amounts { amountDue { amount } } }
    }
  }
}
"""

DAY = date(2026, 6, 3)


async def seeded(session):
    w = await world(session)
    cdn = await make_product(session, ServiceType.CDN, unit="GB", unit_price="0.20000000")
    cdn_resource = await on_demand_resource(session, w.customer, cdn)
    records = []
    for d in range(4):
        for h in range(3):
            records.append(usage(w.resource, at(DAY + timedelta(days=d), h), "1"))
        records.append(usage(cdn_resource, at(DAY + timedelta(days=d), 5), "10", unit="GB"))
    await ingest(session, records)
    token = await token_for(session, w.admin)
    return w, token


async def test_details_are_paged_by_keyset_without_repeats(client, session):
    # given 8 details
    _w, token = await seeded(session)

    # when paging 3 at a time
    seen, after = [], None
    while True:
        body = await gql(client, DETAILS, {"first": 3, "after": after}, token=token)
        conn = body["data"]["consumptionDetails"]
        seen += [n["id"] for n in conn["nodes"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]

    # then
    assert len(seen) == len(set(seen)) == 8
    assert conn["totalCount"] == 8


async def test_details_ordered_by_day_descending(client, session):
    _w, token = await seeded(session)
    order = {"field": "DAY", "direction": "DESC"}
    body = await gql(client, DETAILS, {"first": 2, "orderBy": order}, token=token)
    first = body["data"]["consumptionDetails"]
    assert [n["day"] for n in first["nodes"]] == ["2026-06-06", "2026-06-06"]
    after = first["pageInfo"]["endCursor"]
    body = await gql(client, DETAILS, {"first": 6, "orderBy": order, "after": after}, token=token)
    days = [n["day"] for n in body["data"]["consumptionDetails"]["nodes"]]
    assert days == sorted(days, reverse=True) and len(days) == 6


async def test_summary_by_service_type_matches_the_details(client, session):
    # given
    _w, token = await seeded(session)

    # when
    body = await gql(client, SUMMARY, {"groupBy": ["CYCLE", "SERVICE_TYPE"]}, token=token)

    # then
    summary = body["data"]["consumptionSummary"]
    assert summary["cycleStatus"] == "PROVISIONAL"
    rows = {r["serviceType"]: r for r in summary["rows"]}
    assert rows["ECS"]["usage"] == "12.00000000" and rows["ECS"]["unit"] == "hour"
    assert Decimal(rows["ECS"]["amounts"]["amountDue"]["amount"]) == Decimal("4.08")
    assert Decimal(rows["CDN"]["amounts"]["amountDue"]["amount"]) == Decimal("8")
    assert rows["CDN"]["lines"] == 4


async def test_summary_by_day_and_region(client, session):
    _w, token = await seeded(session)
    body = await gql(client, SUMMARY, {"groupBy": ["DAY", "REGION"]}, token=token)
    rows = body["data"]["consumptionSummary"]["rows"]
    assert [r["day"] for r in rows] == ["2026-06-03", "2026-06-04", "2026-06-05", "2026-06-06"]
    assert all(r["usage"] is None for r in rows)  # hours and GB do not add up
    assert {Decimal(r["amounts"]["amountDue"]["amount"]) for r in rows} == {Decimal("3.02")}


async def test_unsupported_grouping_names_the_supported_ones(client, session):
    _w, token = await seeded(session)
    body = await gql(client, SUMMARY, {"groupBy": ["DAY", "CUSTOMER"]}, token=token)
    [error] = body["errors"]
    assert "supported: any subset of CYCLE, CUSTOMER" in error["message"]


async def test_another_partner_sees_nothing(client, session):
    _w, _token = await seeded(session)
    other = await make_partner(session)
    other_admin = await make_user(session, other, Role.ADMIN)
    other_token = await token_for(session, other_admin)
    body = await gql(client, DETAILS, {"first": 10}, token=other_token)
    assert body["data"]["consumptionDetails"]["totalCount"] == 0
    body = await gql(client, SUMMARY, {"groupBy": ["CUSTOMER"]}, token=other_token)
    assert body["data"]["consumptionSummary"]["rows"] == []


async def test_sales_sees_only_managed_customers(client, session):
    w, _token = await seeded(session)
    sales = await make_user(session, w.partner, Role.SALES)
    managed = await make_customer(session, w.partner, manager=sales)
    resource = await on_demand_resource(session, managed, w.product)
    await ingest(session, [usage(resource, at(DAY, 1), "2")])
    sales_token = await token_for(session, sales)
    body = await gql(client, DETAILS, {"first": 10}, token=sales_token)
    nodes = body["data"]["consumptionDetails"]["nodes"]
    assert len(nodes) == 1 and nodes[0]["usage"] == "2.00000000"


async def test_customer_consumption_in_the_customer_list(client, session):
    _w, token = await seeded(session)
    body = await gql(client, CUSTOMERS, {"first": 10, "cycle": "2026-06"}, token=token)
    [node] = body["data"]["customers"]["nodes"]
    assert node["consumption"]["cycle"] == "2026-06"
    assert node["consumption"]["lines"] == 8
    assert Decimal(node["consumption"]["amounts"]["amountDue"]["amount"]) == Decimal("12.08")


async def test_customer_consumption_costs_the_same_statements_for_10_and_50(
    client, session, statements
):
    # given 60 customers with a day of usage each
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    product = await make_product(session)
    records = []
    for _ in range(60):
        customer = await make_customer(session, partner)
        resource = await on_demand_resource(session, customer, product)
        records.append(usage(resource, at(DAY, 1), "1"))
    await ingest(session, records)
    token = await token_for(session, admin)
    await gql(client, CUSTOMERS, {"first": 1}, token=token)  # warm up

    counts = {}
    for first in (10, 50):
        # when
        statements.reset()
        statements.active = True
        body = await gql(client, CUSTOMERS, {"first": first}, token=token)
        statements.active = False
        # then
        assert "errors" not in body
        counts[first] = statements.count
    assert counts[10] == counts[50]


RESOURCE_CONSUMPTION = """
query ($id: ID!, $after: String) {
  node(id: $id) {
    ... on Resource {
      consumption(first: 2, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { day usage }
      }
    }
  }
}
"""


async def test_resource_consumption_pages(client, session):
    from tests.factories import global_id

    w, token = await seeded(session)
    variables = {"id": global_id("Resource", w.resource.id)}
    body = await gql(client, RESOURCE_CONSUMPTION, variables, token=token)
    conn = body["data"]["node"]["consumption"]
    assert conn["totalCount"] == 4
    assert [n["day"] for n in conn["nodes"]] == ["2026-06-03", "2026-06-04"]
    after = conn["pageInfo"]["endCursor"]
    body = await gql(client, RESOURCE_CONSUMPTION, {**variables, "after": after}, token=token)
    assert [n["day"] for n in body["data"]["node"]["consumption"]["nodes"]] == [
        "2026-06-05",
        "2026-06-06",
    ]


async def test_summaries_never_read_the_details(client, session, statements):
    _w, token = await seeded(session)
    for group_by in (["CYCLE", "CUSTOMER"], ["DAY", "SERVICE_TYPE"], []):
        statements.reset()
        statements.active = True
        body = await gql(client, SUMMARY, {"groupBy": group_by}, token=token)
        statements.active = False
        assert "errors" not in body
        assert not any("consumption_details" in s for s in statements.statements)


async def test_a_customer_reads_only_its_own_consumption(client, session):
    from tests.factories import customer_token

    w, _token = await seeded(session)
    neighbour = await make_customer(session, w.partner)
    resource = await on_demand_resource(session, neighbour, w.product)
    await ingest(session, [usage(resource, at(DAY, 1), "5")])
    token = await customer_token(session, w.customer)
    body = await gql(client, DETAILS, {"first": 50}, token=token)
    assert body["data"]["consumptionDetails"]["totalCount"] == 8
    body = await gql(client, SUMMARY, {"groupBy": ["CUSTOMER"]}, token=token)
    assert len(body["data"]["consumptionSummary"]["rows"]) == 1
    body = await gql(client, SUMMARY, {"groupBy": ["DAY"]}, token=token)
    assert "DAY summaries cover every customer" in body["errors"][0]["message"]
