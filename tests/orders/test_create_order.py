"""createOrder: a customer's own order -- who may order, for which customer, and its refusals;
an UNSUBSCRIBE after the association ended refunds the former partner."""

from __future__ import annotations

import pytest

from app.models import Customer
from app.services.lifecycle.association_rules import end_association
from tests.factories import global_id, make_customer, make_partner
from tests.funds.helpers import assert_books_balance, platform
from tests.orders.helpers import (
    REQUEST,
    act,
    allocatable,
    create_own,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_refund_after_disassociation_goes_to_the_former_partner(
    client, session, world, referral
):
    customer, token = referral
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    await act(client, token, REQUEST, created["order"]["id"])
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, customer)
    await end_association(platform(session), customer)
    # the cloud account joins another partner
    other = await make_partner(session)
    current = await make_customer(session, other)
    current.cloud_account_id = customer.cloud_account_id
    await session.flush()

    unsub = await create_own(
        client,
        token,
        customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="u",
    )

    assert unsub["userErrors"] == []
    (refund,) = unsub["order"]["refunds"]
    assert refund["payee"] == "PARTNER"
    assert await allocatable(client, world.finance) == "10000.00"
    await assert_books_balance(session)
    assert (await session.get(Customer, customer.id)).ended_at is not None
