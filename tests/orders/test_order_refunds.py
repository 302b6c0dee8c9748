"""Refunds of paid periods: an unsubscribe within five days refunds in full, later pro rata;
a downgrade refunds the difference -- and the books still balance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import global_id
from tests.funds.helpers import assert_books_balance
from tests.orders.helpers import (
    allocatable,
    create_proxy,
    make_world,
    new_line,
    pay,
    resource_line,
    resources_of,
)


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_unsubscribe_within_five_days_refunds_in_full(client, session, world, frozen_clock):
    # given a paid yearly order
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], unit="YEAR")]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=4, hours=23))

    # when
    unsub = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsub",
    )

    # then
    (refund,) = unsub["order"]["refunds"]
    assert refund["amount"]["amount"] == "1836.00"
    assert refund["rule"].startswith("FULL_REFUND")
    assert refund["refundedOrder"]["id"] == created["order"]["id"]
    assert await allocatable(client, world.finance) == "10000.00"
    await assert_books_balance(session)


async def test_unsubscribe_later_refunds_the_unused_part_pro_rata(
    client, session, world, frozen_clock
):
    # given a 3-month order paid, then a third of its term used
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    term = resource.expires_at - frozen_clock.now()
    frozen_clock.advance(term / 3)

    # when
    unsub = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsub",
    )

    # then two thirds of 540.00 come back
    (refund,) = unsub["order"]["refunds"]
    assert refund["amount"]["amount"] == "360.00"
    assert refund["rule"].startswith("PRO_RATA_REFUND")
    await assert_books_balance(session)


async def test_downgrade_refunds_the_difference(client, session, world, frozen_clock):
    # given a paid xlarge for 3 months, 10 days in
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs_xl"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance(timedelta(days=10))

    # when it is downgraded
    change = await create_proxy(
        client,
        world.sales,
        world.customer,
        [
            resource_line(
                "CHANGE_SPEC",
                global_id("Resource", resource.id),
                productId=global_id("Product", world.products["ecs"]),
            )
        ],
        key="down",
    )

    # then nothing is due, the order completes, and the difference goes back to the partner
    order = change["order"]
    assert order["amountDue"]["amount"] == "0.00"
    assert order["status"] == "COMPLETED"
    (refund,) = order["refunds"]
    assert refund["payee"] == "PARTNER"
    assert 0 < float(refund["amount"]["amount"]) <= 1080
    await assert_books_balance(session)
