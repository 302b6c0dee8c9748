"""Rules that used to sit in the schema or resolvers, called as a CLI or job would."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import clock
from app.models.consumption.enums import BillCycleStatus
from app.models.partners.enums import Role
from app.services.consumption import ingest
from app.services.consumption.cycles import CycleState
from app.services.consumption.queries import Summary
from app.services.core.errors import DomainError, ErrorCode, PermissionDenied
from app.settings import get_settings
from tests.factories import make_partner, make_user
from tests.funds.helpers import acting_as, platform


async def test_ingest_usage_is_for_the_platform(session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)

    with pytest.raises(PermissionDenied):
        await ingest.ingest_usage(acting_as(session, admin), [])


async def test_ingest_usage_refuses_a_call_over_the_batch_limit(session, monkeypatch):
    monkeypatch.setattr(get_settings(), "max_ingest_batch", 2)

    with pytest.raises(DomainError) as refused:
        await ingest.ingest_usage(platform(session), [{}, {}, {}])

    assert refused.value.code is ErrorCode.BATCH_TOO_LARGE
    assert refused.value.field == ["records"]


async def test_ingest_usage_within_the_limit_reads_every_record(session, monkeypatch):
    monkeypatch.setattr(get_settings(), "max_ingest_batch", 2)

    result = await ingest.ingest_usage(platform(session), [{}, {}])

    assert result.read == 2 and len(result.rejected) == 2  # empty records are refused


def _state(cycle: str, status: BillCycleStatus, as_of: datetime) -> CycleState:
    return CycleState(cycle=cycle, status=status, as_of=as_of)


def test_summary_is_final_only_when_every_cycle_is_closed():
    now = clock.now()
    closed = _state("2026-04", BillCycleStatus.FINAL, now - timedelta(days=30))
    open_ = _state("2026-05", BillCycleStatus.PROVISIONAL, now)

    mixed = Summary(cycles=[closed, open_], rows=[])
    done = Summary(cycles=[closed], rows=[])

    assert mixed.final is False and mixed.as_of == now
    assert done.final is True and done.as_of == closed.as_of
