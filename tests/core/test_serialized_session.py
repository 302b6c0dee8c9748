"""The request's session: statements never overlap, are never abandoned, and `end()` is final."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select

from app.db import UnitOfWorkEnded
from app.models import Partner
from tests.factories import make_partner


async def test_a_cancelled_caller_does_not_abandon_its_statement(db, database, session):
    # given: a statement that is in flight when its caller is cancelled
    partner = await make_partner(session)
    loop = asyncio.get_running_loop()
    uow = db.session()
    caller: asyncio.Task[object] | None = None

    def cancel_caller(*_args: object) -> None:
        if caller is not None and not caller.done():
            loop.call_soon(caller.cancel)

    event.listen(database.engine.sync_engine, "before_cursor_execute", cancel_caller)
    try:
        caller = asyncio.ensure_future(
            uow.scalar(select(Partner.name).where(Partner.id == partner.id))
        )
        with pytest.raises(asyncio.CancelledError):
            await caller
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", cancel_caller)

    # when: the unit of work goes on and ends
    name = await uow.scalar(select(Partner.name).where(Partner.id == partner.id))
    await uow.end(commit=True)

    # then: the connection was never invalidated
    assert name == partner.name


async def test_concurrent_callers_take_turns(db, session):
    partner = await make_partner(session)
    uow = db.session()
    query = select(Partner.name).where(Partner.id == partner.id)

    names = await asyncio.gather(*(uow.scalar(query) for _ in range(20)))
    await uow.end(commit=False)

    assert names == [partner.name] * 20


async def test_no_statement_runs_after_the_unit_of_work_ended(db):
    uow = db.session()
    await uow.end(commit=True)

    with pytest.raises(UnitOfWorkEnded):
        await uow.execute(select(1))
    await uow.end(commit=False)  # idempotent: the first end stands
