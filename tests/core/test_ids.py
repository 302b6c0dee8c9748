"""Ids stay unique per table beside the composite keys (app/models/core/ids.py), on both
databases: rows of two partners never share an id, ids follow the order rows were added, and a
sequence row that went missing starts again after the table's highest id."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from app.models import Customer, IdSequence
from tests.factories import make_customer, make_partner


async def test_two_partners_rows_get_distinct_increasing_ids(session):
    # given
    a, b = await make_partner(session), await make_partner(session)

    # when rows of both are added in turn, some in one flush
    first = [await make_customer(session, a), await make_customer(session, b)]
    batch = [Customer(**_copy(first[0]), name=f"batch {n}") for n in range(3)]
    batch.insert(1, Customer(**_copy(first[1]), name="batch b"))
    session.add_all(batch)
    await session.flush()

    # then
    ids = [c.id for c in first + batch]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert {c.partner_id for c in first} == {a.id, b.id}


def _copy(customer: Customer) -> dict:
    fields = ("partner_id", "account_name", "association_type", "associated_at")
    values = {f: getattr(customer, f) for f in fields}
    values["cloud_account_id"] = customer.cloud_account_id
    values["ended_at"] = customer.associated_at  # ended: no second open association
    return values


async def test_a_missing_sequence_row_starts_after_the_highest_id(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL draws ids from the columns' own sequences")
    # given
    partner = await make_partner(session)
    before = await make_customer(session, partner)
    await session.execute(delete(IdSequence).where(IdSequence.table_name == "customers"))

    # when
    after = await make_customer(session, partner)

    # then
    highest = await session.scalar(select(func.max(Customer.id)))
    assert after.id == highest and after.id > before.id
    assert (
        await session.scalar(select(IdSequence.last_id).where(IdSequence.table_name == "customers"))
        == after.id
    )
