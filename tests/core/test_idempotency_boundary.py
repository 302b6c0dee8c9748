"""Idempotency at the service boundary (`@idempotent`, `.once`) and bulk outcomes
(`BulkResult`) as services see them, without GraphQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import IdempotencyKey
from app.models.partners.enums import Role
from app.services.core.bulk import BulkResult, ItemResult
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode
from app.services.core.idempotency import IdempotentOutcome, idempotent
from tests.factories import make_partner, make_user
from tests.funds.helpers import acting_as

calls: list[Any] = []


def _bind(value: int, *, note: str = "") -> dict[str, Any]:
    if value < 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "Negative.", ["value"])
    return {"value": value, "note": note}


async def _authorize(ctx: ServiceContext, value: int, *, note: str = "") -> None:
    return None


@idempotent(
    "testDouble", bind=_bind, authorize=_authorize, ids=lambda doubled: {"doubled": doubled}
)
async def double(ctx: ServiceContext, value: int, *, note: str = "") -> int:
    calls.append(value)
    if value == 13:
        raise DomainError(ErrorCode.INVALID_STATE, "Unlucky.", ["value"])
    return value * 2


@pytest.fixture
async def ctx(session):
    calls.clear()
    partner = await make_partner(session)
    return acting_as(session, await make_user(session, partner, Role.FINANCE))


async def keys(session) -> int:
    return await session.scalar(select(func.count()).select_from(IdempotencyKey))


async def test_a_plain_call_runs_the_service_and_stores_nothing(session, ctx):
    assert await double(ctx, 2) == 4
    assert await double(ctx, 2) == 4
    assert calls == [2, 2]
    assert await keys(session) == 0


async def test_once_runs_once_and_replays(session, ctx):
    first = await double.once(ctx, "k", 21, note="x")
    again = await double.once(ctx, "k", 21, note="x")

    assert (first.ids, first.errors, first.replayed) == ({"doubled": 42}, [], False)
    assert (again.ids, again.replayed) == ({"doubled": 42}, True)
    assert calls == [21]
    assert await keys(session) == 1


async def test_a_refusal_is_stored_and_replayed(session, ctx):
    first = await double.once(ctx, "k", 13)
    again = await double.once(ctx, "k", 13)

    assert [(e.code, e.field) for e in first.errors] == [(ErrorCode.INVALID_STATE, ["value"])]
    assert [(e.code, e.field) for e in again.errors] == [(ErrorCode.INVALID_STATE, ["value"])]
    assert calls == [13]


async def test_the_same_key_with_another_input_is_refused(session, ctx):
    await double.once(ctx, "k", 1)

    with pytest.raises(DomainError) as refused:
        await double.once(ctx, "k", 1, note="different")

    assert refused.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert calls == [1]


@pytest.mark.parametrize("key", ["", " ", "x" * 101, "tab\there"])
async def test_a_bad_key_stores_nothing_and_runs_nothing(session, ctx, key):
    with pytest.raises(DomainErrors) as refused:
        await double.once(ctx, key, 1)

    assert [e.field for e in refused.value.errors] == [["idempotencyKey"]]
    assert calls == []
    assert await keys(session) == 0


async def test_invalid_input_stores_nothing_and_runs_nothing(session, ctx):
    with pytest.raises(DomainError):
        await double.once(ctx, "k", -1)

    assert calls == [] and await keys(session) == 0
    assert (await double.once(ctx, "k", 1)).ids == {"doubled": 2}  # the key is still free


def _error(index: int | None) -> DomainError:
    field = ["orderIds", index] if index is not None else None
    return DomainError(ErrorCode.NOT_FOUND, "No such order.", field)


def test_bulk_outcomes_round_trip_through_storage():
    result = BulkResult(
        items=[ItemResult(0, 7), ItemResult(1, errors=[_error(1)]), ItemResult(2, 9)]
    )

    stored = result.stored()
    again = BulkResult.from_stored(stored, "orderIds", 3)

    assert stored.ids == {"item.0": 7, "item.2": 9}
    assert [(i.index, i.id, len(i.errors)) for i in again.items] == [
        (0, 7, 0),
        (1, None, 1),
        (2, 9, 0),
    ]
    assert again.changed_ids == [7, 9]
    assert again.all_errors == result.all_errors


def test_a_refused_call_has_no_items():
    refused = BulkResult.from_stored(IdempotentOutcome(errors=[_error(None)]), "orderIds", 3)

    assert refused.items == [] and len(refused.errors) == 1


def test_outcomes_stored_before_per_item_results_still_replay():
    # stored as {"order.<n>": id}, n counting only the changed orders
    legacy = IdempotentOutcome(ids={"order.0": 7, "order.1": 9}, errors=[_error(1)])

    again = BulkResult.from_stored(legacy, "orderIds", 3)

    assert [(i.index, i.id) for i in again.items] == [(0, 7), (1, None), (2, 9)]
