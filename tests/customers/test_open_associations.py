"""`open_associations`: the platform-side home of "one open association per cloud account"."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.models import CloudAccount, Customer, OpenAssociation
from app.models.customers.enums import AssociationType
from tests.factories import make_customer, make_partner


async def held(session, cloud_account_id):
    row = await session.get(OpenAssociation, cloud_account_id, populate_existing=True)
    return None if row is None else (row.partner_id, row.customer_id)


def second_association(customer: Customer, partner_id: int) -> Customer:
    return Customer(
        partner_id=partner_id,
        cloud_account_id=customer.cloud_account_id,
        name=customer.name,
        account_name=customer.account_name,
        association_type=AssociationType.RESELLER,
        associated_at=clock.now(),
        labels=[],
        remark="",
    )


async def test_an_open_association_is_held_for_its_cloud_account(session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)

    assert await held(session, customer.cloud_account_id) == (partner.id, customer.id)


async def test_an_ended_association_holds_nothing(session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner, ended_at=clock.now())

    assert await held(session, customer.cloud_account_id) is None


async def test_ending_an_association_frees_the_account_for_another_partner(session):
    first, second = await make_partner(session), await make_partner(session)
    customer = await make_customer(session, first)

    customer.ended_at = clock.now()
    await session.flush()
    assert await held(session, customer.cloud_account_id) is None

    again = second_association(customer, second.id)
    session.add(again)
    await session.flush()
    assert await held(session, customer.cloud_account_id) == (second.id, again.id)


async def test_a_second_open_association_is_refused_whatever_partner(session):
    first, second = await make_partner(session), await make_partner(session)
    customer = await make_customer(session, first)

    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(second_association(customer, second.id))
            await session.flush()

    rows = (
        await session.scalars(
            select(Customer.id).where(Customer.cloud_account_id == customer.cloud_account_id)
        )
    ).all()
    assert rows == [customer.id]
    assert await held(session, customer.cloud_account_id) == (first.id, customer.id)


async def test_reopening_an_ended_association_takes_the_account_again(session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner, ended_at=clock.now())

    customer.ended_at = None
    await session.flush()

    assert await held(session, customer.cloud_account_id) == (partner.id, customer.id)


async def test_other_changes_leave_the_platform_row_alone(session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)

    customer.remark = "seen"
    await session.flush()

    assert await held(session, customer.cloud_account_id) == (partner.id, customer.id)
    assert await session.get(CloudAccount, customer.cloud_account_id) is not None
