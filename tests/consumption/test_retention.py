"""Retention: consumption details are kept 18 months after their (closed) cycle ends, then
purged in batches; rollups and FINAL bills stay (today is 15 June 2026 unless moved)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import (
    AuditEvent,
    BandwidthSample,
    BillCycle,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    PercentileBill,
    UsageRecord,
)
from app.models.partners.enums import PrincipalKind
from app.services.consumption import retention
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.queries import ConsumptionFilter, GroupBy, summary
from app.services.core.context import ServiceContext
from app.services.core.errors import PermissionDenied
from app.services.core.jobs import load_registry
from app.services.core.principal import Principal
from app.settings import get_settings
from tests.consumption.helpers import at, ingest, usage, world
from tests.consumption.percentile_helpers import MAY_1, bandwidth, samples
from tests.funds.helpers import acting_as, platform

# May 2026 ends at 00:00 on 1 June (Shanghai); 18 months later is 00:00 on 1 Dec 2027.
MAY_DUE = datetime(2027, 11, 30, 16, 0, tzinfo=UTC)
JUNE_3 = date(2026, 6, 3)


def job_ctx(session):
    return ServiceContext(session, Principal.system(), request_id="job:consumption.purge")


async def counts(session, model, cycle):
    if model is UsageRecord:
        return await session.scalar(
            select(func.count()).where(
                UsageRecord.detail_id.in_(
                    select(ConsumptionDetail.id).where(ConsumptionDetail.bill_cycle == cycle)
                )
            )
        )
    return await session.scalar(select(func.count()).where(model.bill_cycle == cycle))


async def rollups(session):
    rows = []
    for model in (ConsumptionRollup, ConsumptionDayRollup):
        rows += [
            tuple(r)
            for r in await session.execute(
                select(
                    model.bill_cycle,
                    model.lines,
                    model.usage,
                    model.amount_due,
                    model.cash_paid,
                ).order_by(model.id)
            )
        ]
    return rows


async def consumption(session):
    """May (FINAL): 3 days x 4 hours of usage and a 95th-percentile bill of 20 samples;
    June (open): 2 hours of usage on 3 June."""
    w = await world(session)
    records = [usage(w.resource, at(date(2026, 5, d), h), "1") for d in (4, 5, 6) for h in range(4)]
    await ingest(session, records)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 21)))
    await close_bill_cycle(platform(session), "2026-05")
    await ingest(session, [usage(w.resource, at(JUNE_3, h), "1") for h in range(2)])
    return w


async def test_the_dry_run_counts_what_would_go_and_changes_nothing(session, frozen_clock):
    # given May's details are past retention
    await consumption(session)
    before = await rollups(session)
    frozen_clock.set(MAY_DUE)

    # when
    due = await retention.count_due(job_ctx(session))

    # then
    assert due.by_cycle == {"2026-05": {"usage_records": 12, "bandwidth_samples": 20, "details": 4}}
    assert "2026-05: 4 details, 12 usage records, 20 bandwidth samples" in due.describe()
    assert await counts(session, ConsumptionDetail, "2026-05") == 4
    assert await counts(session, BandwidthSample, "2026-05") == 20
    assert await rollups(session) == before


async def test_old_details_go_in_batches_and_young_ones_rollups_and_bills_stay(
    session, frozen_clock
):
    # given
    await consumption(session)
    before = await rollups(session)
    may_summary = await summary(
        platform(session), ConsumptionFilter("2026-05", "2026-05"), [GroupBy.CUSTOMER]
    )
    frozen_clock.set(MAY_DUE)

    # when purged 5 rows at a time (36 rows: 8 batches)
    purged = await retention.purge(job_ctx(session), batch_size=5)
    await session.flush()

    # then May's details, usage records and samples are gone, June's stay
    assert purged.by_cycle == {
        "2026-05": {"usage_records": 12, "bandwidth_samples": 20, "details": 4}
    }
    assert purged.batches == 3 + 4 + 1 and purged.done
    for model in (ConsumptionDetail, BandwidthSample, UsageRecord):
        assert await counts(session, model, "2026-05") == 0
    assert await counts(session, ConsumptionDetail, "2026-06") == 1
    assert await counts(session, UsageRecord, "2026-06") == 2
    # rollups, summaries and the FINAL 95th-percentile bill are unchanged
    assert await rollups(session) == before
    again = await summary(
        platform(session), ConsumptionFilter("2026-05", "2026-05"), [GroupBy.CUSTOMER]
    )
    assert [r.sums for r in again.rows] == [r.sums for r in may_summary.rows]
    bill = await session.scalar(
        select(PercentileBill).where(PercentileBill.bill_cycle == "2026-05")
    )
    assert bill.sample_count == 20 and bill.amount > Decimal(0)
    # each batch is audited as the system principal, with its partner
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "consumption.purge"))
    ).all()
    assert sum(e.after["rows"] for e in events) == 36 and len(events) == purged.batches
    assert {e.principal_kind for e in events} == {PrincipalKind.PLATFORM}
    assert all(e.partner_id is not None and e.after["cycle"] == "2026-05" for e in events)
    # the cycle is marked, so nothing is due any more
    assert (await session.get(BillCycle, "2026-05")).details_purged_at == MAY_DUE
    assert (await retention.count_due(job_ctx(session))).by_cycle == {}
    assert (await retention.purge(job_ctx(session))).batches == 0


async def test_details_younger_than_retention_stay(session, frozen_clock):
    # given one second before May is due (23:59:59 on 30 Nov 2027 in Shanghai)
    await consumption(session)
    frozen_clock.set(datetime(2027, 11, 30, 15, 59, 59, tzinfo=UTC))

    # when
    due = await retention.count_due(job_ctx(session))
    purged = await retention.purge(job_ctx(session))

    # then
    assert due.by_cycle == {} and purged.batches == 0
    assert await counts(session, ConsumptionDetail, "2026-05") == 4


async def test_an_open_cycle_is_never_purged(session, frozen_clock):
    # given June was never closed, long ago
    await consumption(session)
    frozen_clock.set(datetime(2030, 1, 1, tzinfo=UTC))

    # when
    purged = await retention.purge(job_ctx(session))

    # then only May went
    assert set(purged.by_cycle) == {"2026-05"}
    assert await counts(session, ConsumptionDetail, "2026-06") == 1


async def test_the_retention_period_is_a_setting(session, frozen_clock, monkeypatch):
    # given a retention of 1 month: May is due from 00:00 on 1 July (Shanghai)
    await consumption(session)
    monkeypatch.setattr(get_settings(), "consumption_retention_months", 1)
    frozen_clock.set(datetime(2026, 6, 30, 16, 0, tzinfo=UTC))

    # when
    due = await retention.count_due(job_ctx(session))

    # then
    assert set(due.by_cycle) == {"2026-05"}


async def test_the_job_does_a_bounded_number_of_batches_per_run(session, frozen_clock, monkeypatch):
    # given batches of 4 rows, at most 3 per run
    await consumption(session)
    frozen_clock.set(MAY_DUE)
    monkeypatch.setattr(get_settings(), "consumption_purge_batch_rows", 4)
    monkeypatch.setattr(get_settings(), "consumption_purge_max_batches", 3)
    job = load_registry()["consumption.purge"]

    # when it runs until done
    results = [await job.run(job_ctx(session))]
    while "more next run" in results[-1]:
        results.append(await job.run(job_ctx(session)))

    # then each run deleted at most 12 rows, 36 in all (9 batches)
    assert len(results) == 4, results
    assert await counts(session, ConsumptionDetail, "2026-05") == 0
    assert await counts(session, BandwidthSample, "2026-05") == 0
    assert results[0].startswith("purged 2026-05: 0 details, 12 usage records")
    assert results[-2].startswith("purged 2026-05: 4 details") and "more next run" in results[-2]
    assert results[-1] == "nothing to purge"
    assert (await session.get(BillCycle, "2026-05")).details_purged_at is not None


async def test_a_partner_may_not_purge(session, frozen_clock):
    w = await consumption(session)
    frozen_clock.set(MAY_DUE)

    with pytest.raises(PermissionDenied):
        await retention.purge(acting_as(session, w.admin))
    with pytest.raises(PermissionDenied):
        await retention.count_due(acting_as(session, w.admin))
    assert await counts(session, ConsumptionDetail, "2026-05") == 4


async def test_verify_passes_after_a_purge_and_draws_the_line_where_the_purge_does(
    session, frozen_clock
):
    from app.services.consumption.verify import verify
    from app.services.consumption.verify_postings import retained_from

    # given May purged
    await consumption(session)
    frozen_clock.set(MAY_DUE)
    await retention.purge(job_ctx(session))
    await session.flush()

    # then verify checks May through its rollups and finds nothing wrong
    assert retained_from() == "2026-06"
    assert retention.is_due("2026-05") and not retention.is_due("2026-06")
    assert await verify(session) == []

    # and a moment before May was due, May was still checked in detail
    frozen_clock.set(datetime(2027, 11, 30, 15, 59, tzinfo=UTC))
    assert retained_from() == "2026-05"
