"""Late 5-minute bandwidth samples: a billed cycle's bill never changes; the samples are
booked in the open cycle as a correction of it (May 2026: 31 days; today is 15 June)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.models import BandwidthSample, ConsumptionDetail, PercentileBill
from app.models.consumption.enums import DetailKind
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.percentile import rate_bandwidth_percentile
from tests.consumption.helpers import at, ingest, world
from tests.consumption.percentile_helpers import FIVE_MINUTES, MAY_1, bandwidth, samples
from tests.factories import global_id, gql, platform_token, token_for
from tests.funds.helpers import assert_books_balance, platform

MAY_2, MAY_3 = MAY_1 + timedelta(days=1), MAY_1 + timedelta(days=2)
TODAY = date(2026, 6, 15)

BILL = """
query Bill($id: ID!) {
  node(id: $id) {
    ... on Resource {
      percentileBill(cycle: "2026-05") {
        sampleCount billableMbps amount { amount }
        corrections {
          bookedInCycle samplesAdded sampleCount discardedCount billableMbps daysWithTraffic
          recomputedAmount { amount } amount { amount }
        }
      }
    }
  }
}
"""
DETAILS = """
query Details {
  consumptionDetails(filter: {cycleFrom: "2026-05", cycleTo: "2026-06"}, first: 10) {
    nodes {
      billCycle day businessDate kind correctsCycle correctsDay correctsSamples
      amounts { amountDue { amount } }
    }
  }
}
"""
INGEST = """
mutation Ingest($input: IngestUsageInput!) {
  ingestUsage(input: $input) { inserted duplicates lateSamples userErrors { code } }
}
"""


def sample(resource, moment, mbps, source):
    return {
        "sourceId": source,
        "resourceId": global_id("Resource", resource.id),
        "kind": "BANDWIDTH_SAMPLE",
        "sampledAt": moment.isoformat(),
        "mbps": str(mbps),
    }


async def stored(session, resource, cycle):
    return await session.scalar(
        select(func.count()).where(
            BandwidthSample.resource_id == resource.id, BandwidthSample.bill_cycle == cycle
        )
    )


async def final_may(session):
    """A bandwidth resource with 288 samples (1..288 Mbps) on 1 May, May closed: 14 discarded,
    billable 274 Mbps, 274 x 75 x 1 / 31 = 662.90322581."""
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))
    await close_bill_cycle(platform(session), "2026-05")
    return w, resource


async def test_a_late_sample_is_a_correction_and_the_final_bill_agrees_with_its_samples(
    client, session
):
    # given May is FINAL
    w, resource = await final_may(session)
    token = await platform_token(session)

    # when a late May sample arrives (500 Mbps on 2 May, a new day with traffic)
    body = await gql(
        client,
        INGEST,
        {"input": {"records": [sample(resource, at(MAY_2), 500, "late-1")]}},
        token=token,
    )

    # then it is booked as June's correction of May
    assert body["data"]["ingestUsage"] == {
        "inserted": 1,
        "duplicates": 0,
        "lateSamples": 1,
        "userErrors": [],
    }
    bill = await session.scalar(
        select(PercentileBill).where(PercentileBill.bill_cycle == "2026-05")
    )
    assert bill.sample_count == 288 == await stored(session, resource, "2026-05")
    late = await session.scalar(
        select(BandwidthSample).where(BandwidthSample.sampled_at == at(MAY_2))
    )
    assert (late.bill_cycle, late.corrects_cycle) == ("2026-06", "2026-05")
    # recomputed: 289 samples, 14 discarded, billable 275, 2 days: 275 x 75 x 2 / 31
    admin = await token_for(session, w.admin)
    details = (await gql(client, DETAILS, token=admin))["data"]["consumptionDetails"]["nodes"]
    assert details == [
        {
            "billCycle": "2026-05",
            "day": "2026-05-31",
            "businessDate": "2026-05-31",
            "kind": "PERCENTILE",
            "correctsCycle": None,
            "correctsDay": None,
            "correctsSamples": None,
            "amounts": {"amountDue": {"amount": "662.90322581"}},
        },
        {
            "billCycle": "2026-06",
            "day": "2026-06-15",
            "businessDate": "2026-06-15",
            "kind": "CORRECTION",
            "correctsCycle": "2026-05",
            "correctsDay": "2026-05-31",
            "correctsSamples": 1,
            "amounts": {"amountDue": {"amount": "667.74193548"}},
        },
    ]
    explained = await gql(client, BILL, {"id": global_id("Resource", resource.id)}, token=admin)
    assert explained["data"]["node"]["percentileBill"] == {
        "sampleCount": 288,
        "billableMbps": "274.00000000",
        "amount": {"amount": "662.90322581"},
        "corrections": [
            {
                "bookedInCycle": "2026-06",
                "samplesAdded": 1,
                "sampleCount": 289,
                "discardedCount": 14,
                "billableMbps": "275.00000000",
                "daysWithTraffic": 2,
                "recomputedAmount": {"amount": "1330.64516129"},
                "amount": {"amount": "667.74193548"},
            }
        ],
    }
    await assert_books_balance(session)


async def test_later_samples_add_what_the_recomputation_adds_beyond_earlier_corrections(session):
    # given May is FINAL and one late sample was booked
    _, resource = await final_may(session)
    await ingest(session, [sample(resource, at(MAY_2), 500, "late-1")])

    # when another arrives (600 Mbps on 3 May): 290 samples, 14 discarded, billable 276,
    # 3 days: 276 x 75 x 3 / 31 = 2003.22580645
    result = await ingest(session, [sample(resource, at(MAY_3), 600, "late-2")])

    # then the day's correction line adds the difference to the bill and the first correction
    assert (result.late_samples, result.corrections) == (1, 1)
    [line] = (
        await session.scalars(
            select(ConsumptionDetail).where(ConsumptionDetail.kind == DetailKind.CORRECTION)
        )
    ).all()
    assert line.corrects_samples == 2
    assert line.amount_due == Decimal("2003.22580645") - Decimal("662.90322581")
    assert await stored(session, resource, "2026-05") == 288
    await assert_books_balance(session)


async def test_a_late_sample_that_would_lower_the_bill_adds_nothing(session):
    # given 299 samples (1..299) over 1-2 May: 14 discarded, billable 285; May is FINAL
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))
    tail = samples(resource, MAY_2, range(289, 300))
    await ingest(session, [{**s, "sourceId": f"tail-{i}"} for i, s in enumerate(tail)])
    await close_bill_cycle(platform(session), "2026-05")
    bill = await session.scalar(select(PercentileBill))
    assert (bill.sample_count, bill.billable_mbps) == (299, Decimal("285"))

    # when a 0 Mbps sample arrives: 300 samples discard 15, the billable peak would be 284
    result = await ingest(session, [sample(resource, at(MAY_3), 0, "late-zero")])

    # then it is booked with a zero correction: the FINAL bill is never lowered
    assert result.late_samples == 1
    [line] = (
        await session.scalars(
            select(ConsumptionDetail).where(ConsumptionDetail.kind == DetailKind.CORRECTION)
        )
    ).all()
    assert (line.corrects_samples, line.amount_due) == (1, Decimal(0))
    assert bill.sample_count == await stored(session, resource, "2026-05") == 299
    await assert_books_balance(session)


async def test_a_rated_cycle_not_yet_closed_is_corrected_too(session):
    # given May's bill is written but May is not closed
    _, resource = await bandwidth_world(session)
    await rate_bandwidth_percentile(platform(session), "2026-05")

    # when a late sample arrives and May is closed afterwards
    result = await ingest(session, [sample(resource, at(MAY_2), 500, "late-1")])
    await close_bill_cycle(platform(session), "2026-05")

    # then the bill keeps its samples and the late one is June's
    assert result.late_samples == 1
    bill = await session.scalar(select(PercentileBill))
    assert bill.sample_count == 288 == await stored(session, resource, "2026-05")
    assert await stored(session, resource, "2026-06") == 1
    await assert_books_balance(session)


async def bandwidth_world(session):
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))
    return w, resource


async def test_samples_of_an_unbilled_cycle_are_not_late(session):
    # given May has samples but no bill yet
    _, resource = await bandwidth_world(session)

    # when one more May sample arrives, then June's come
    late = await ingest(session, [sample(resource, at(MAY_2), 500, "may")])

    # then it is May's own, billed with it
    assert late.late_samples == 0
    await rate_bandwidth_percentile(platform(session), "2026-05")
    bill = await session.scalar(select(PercentileBill))
    assert bill.sample_count == 289 == await stored(session, resource, "2026-05")


async def test_the_open_cycle_bills_its_own_samples_only(session, frozen_clock):
    # given May is FINAL, a late May sample is booked in June, and June has 10 samples
    _, resource = await final_may(session)
    await ingest(session, [sample(resource, at(MAY_2), 900, "late-1")])
    june = date(2026, 6, 1)
    await ingest(
        session,
        [sample(resource, at(june) + i * FIVE_MINUTES, 10 + i, f"june-{i}") for i in range(10)],
    )

    # when June ends and is billed
    frozen_clock.set(at(date(2026, 7, 2)))
    await rate_bandwidth_percentile(platform(session), "2026-06")

    # then June's bill counts June's 10 samples, not the late May one booked there
    bill = await session.scalar(
        select(PercentileBill).where(PercentileBill.bill_cycle == "2026-06")
    )
    assert (bill.sample_count, bill.billable_mbps) == (10, Decimal("19"))
    await assert_books_balance(session)


async def test_a_late_sample_sent_again_is_a_duplicate(session):
    # given a booked late sample
    _, resource = await final_may(session)
    late = [sample(resource, at(MAY_2), 500, "late-1")]
    await ingest(session, late)

    # when it is sent again
    again = await ingest(session, late)

    # then nothing changes
    assert (again.inserted, again.duplicates, again.late_samples) == (0, 1, 0)
    [line] = (
        await session.scalars(
            select(ConsumptionDetail).where(ConsumptionDetail.kind == DetailKind.CORRECTION)
        )
    ).all()
    assert line.corrects_samples == 1


CORRECTIONS = """
query Corrections($first: Int!) {
  consumptionDetails(first: $first, filter: {cycleFrom: "2026-05", kinds: [PERCENTILE]}) {
    nodes {
      resource {
        percentileBill(cycle: "2026-05") { sampleCount corrections { samplesAdded } }
      }
    }
  }
}
"""


async def test_corrections_are_loaded_in_one_batch_whatever_the_page_size(
    client, session, statements
):
    # given 6 bandwidth resources billed for May, each with a late sample
    w = await world(session)
    resources = [await bandwidth(session, w) for _ in range(6)]
    for r in resources:
        await ingest(session, samples(r, MAY_1, range(1, 21)))
    await close_bill_cycle(platform(session), "2026-05")
    await ingest(session, [sample(r, at(MAY_2), 5, f"late-{r.id}") for r in resources])
    token = await token_for(session, w.admin)
    await gql(client, CORRECTIONS, {"first": 1}, token=token)  # warm up

    counts = {}
    for first in (2, 6):
        # when
        statements.reset()
        statements.active = True
        body = await gql(client, CORRECTIONS, {"first": first}, token=token)
        statements.active = False

        # then
        nodes = body["data"]["consumptionDetails"]["nodes"]
        assert len(nodes) == first, body
        expected = {"sampleCount": 20, "corrections": [{"samplesAdded": 1}]}
        assert all(n["resource"]["percentileBill"] == expected for n in nodes)
        counts[first] = statements.count
    assert counts[2] == counts[6], counts
