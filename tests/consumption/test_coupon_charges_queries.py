"""What coupons paid of daily charges, as the API shows it: each detail's coupon share, the
summaries' coupon column (from the rollups) and Customer.consumption; and a coupon of
another partner never pays."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app.models.customers.enums import ServiceType
from app.services.consumption.verify import verify
from tests.consumption.coupon_helpers import charge_of, make_coupon, usages_of
from tests.consumption.helpers import at, fund, ingest, make_product, on_demand_resource, usage
from tests.consumption.helpers import world as consumption_world
from tests.factories import gql, token_for
from tests.funds.helpers import assert_books_balance

DAY = date(2026, 6, 3)

DETAILS = """
query Details($filter: ConsumptionFilter) {
  consumptionDetails(filter: $filter, first: 20, orderBy: {field: DAY, direction: ASC}) {
    nodes {
      day serviceType
      amounts {
        listAmount { amount } coupon { amount } amountDue { amount }
        cashPaid { amount } creditPaid { amount }
      }
    }
  }
}
"""

SUMMARY = """
query Summary($groupBy: [ConsumptionGroupBy!]!) {
  consumptionSummary(groupBy: $groupBy) {
    rows {
      day serviceType customer { id }
      amounts { listAmount { amount } coupon { amount } amountDue { amount } }
    }
  }
}
"""

CUSTOMER = """
query Customers {
  customers(first: 10) {
    nodes { consumption(cycle: "2026-06") { amounts { coupon { amount } amountDue { amount } } } }
  }
}
"""


def d(value: str) -> Decimal:
    return Decimal(value)


async def seeded(session):
    """Two days of ECS (3 hours = 1.02) and CDN (10 GB = 2.00), 1.50 cash, and a 3.00 coupon
    for CDN and a 0.60 coupon for every service expiring after it."""
    w = await consumption_world(session)
    await fund(session, w, "1.50")
    cdn = await make_product(session, ServiceType.CDN, unit="GB", unit_price="0.20000000")
    cdn_resource = await on_demand_resource(session, w.customer, cdn)
    await make_coupon(
        session,
        w.customer,
        "3.00",
        service_types=[ServiceType.CDN],
        valid_to=at(date(2026, 6, 20)),
    )
    await make_coupon(session, w.customer, "0.60")
    records = []
    for n in range(2):
        day = DAY + timedelta(days=n)
        records += [usage(w.resource, at(day, h), "1") for h in range(3)]
        records.append(usage(cdn_resource, at(day, 5), "10", unit="GB"))
    await ingest(session, records)
    return w, await token_for(session, w.admin)


async def test_details_show_each_lines_coupon_share(client, session):
    # given
    w, token = await seeded(session)

    # when
    body = await gql(client, DETAILS, {}, token=token)

    # then day 1: the CDN coupon pays CDN (2.00), the other coupon 0.60 of ECS, cash 0.42;
    # day 2: the CDN coupon's last 1.00, then cash 1.08 and arrears
    rows = [
        (
            n["day"],
            n["serviceType"],
            d(n["amounts"]["listAmount"]["amount"]),
            d(n["amounts"]["coupon"]["amount"]),
            d(n["amounts"]["amountDue"]["amount"]),
            d(n["amounts"]["cashPaid"]["amount"]),
        )
        for n in body["data"]["consumptionDetails"]["nodes"]
    ]
    assert sorted(rows) == sorted(
        [
            ("2026-06-03", "ECS", d("1.02"), d("0.60"), d("0.42"), d("0.42")),
            ("2026-06-03", "CDN", d("2.00"), d("2.00"), d("0"), d("0")),
            ("2026-06-04", "ECS", d("1.02"), d("0"), d("1.02"), d("1.02")),
            ("2026-06-04", "CDN", d("2.00"), d("1.00"), d("1.00"), d("0.06")),
        ]
    )
    assert (await charge_of(session, w.customer, DAY)).coupon == d("2.60")
    assert (await charge_of(session, w.customer, DAY + timedelta(days=1))).charged == d("2.02")
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_summaries_carry_the_coupon_column(client, session):
    # given
    _w, token = await seeded(session)

    # when grouped by day and by service type
    by_day = await gql(client, SUMMARY, {"groupBy": ["DAY"]}, token=token)
    by_service = await gql(client, SUMMARY, {"groupBy": ["SERVICE_TYPE"]}, token=token)

    # then
    day_rows = {
        r["day"]: (d(r["amounts"]["coupon"]["amount"]), d(r["amounts"]["amountDue"]["amount"]))
        for r in by_day["data"]["consumptionSummary"]["rows"]
    }
    assert day_rows == {"2026-06-03": (d("2.60"), d("0.42")), "2026-06-04": (d("1.00"), d("2.02"))}
    service_rows = {
        r["serviceType"]: d(r["amounts"]["coupon"]["amount"])
        for r in by_service["data"]["consumptionSummary"]["rows"]
    }
    assert service_rows == {"ECS": d("0.60"), "CDN": d("3.00")}


async def test_customer_consumption_shows_what_coupons_paid(client, session):
    # given
    _w, token = await seeded(session)

    # when
    body = await gql(client, CUSTOMER, {}, token=token)

    # then
    [node] = body["data"]["customers"]["nodes"]
    amounts = node["consumption"]["amounts"]
    assert (d(amounts["coupon"]["amount"]), d(amounts["amountDue"]["amount"])) == (
        d("3.60"),
        d("2.44"),
    )


async def test_another_partners_coupon_never_pays(session):
    # given two partners' customers with the same day of usage; only the second partner's
    # customer has a coupon
    ours = await consumption_world(session)
    theirs = await consumption_world(session)
    their_coupon = await make_coupon(session, theirs.customer, "100.00")

    # when both days are rated in one batch
    await ingest(
        session,
        [usage(ours.resource, at(DAY, h), "1") for h in range(3)]
        + [usage(theirs.resource, at(DAY, h), "1") for h in range(3)],
    )

    # then our customer paid by the ledger only; theirs by their coupon
    mine = await charge_of(session, ours.customer, DAY)
    assert (mine.coupon, mine.charged) == (d("0.00"), d("1.02"))
    other = await charge_of(session, theirs.customer, DAY)
    assert (other.coupon, other.charged) == (d("1.02"), d("0.00"))
    assert await usages_of(session, their_coupon) == [(DAY, d("1.02"))]
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_another_partner_sees_none_of_the_coupon_amounts(client, session):
    # given
    _w, _token = await seeded(session)
    other = await consumption_world(session)
    other_token = await token_for(session, other.admin)

    # when
    body = await gql(client, SUMMARY, {"groupBy": ["DAY"]}, token=other_token)

    # then
    assert body["data"]["consumptionSummary"]["rows"] == []
