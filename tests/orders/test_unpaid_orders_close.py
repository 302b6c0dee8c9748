"""Unpaid orders close after 24 h: read as CLOSED at once, stored by the job.

Cancelling an order (cancelOrder) is in test_cancel_order.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Order
from app.models.orders.enums import OrderStatus
from app.services.orders.orders import close_unpaid_orders
from tests.factories import gql
from tests.funds.helpers import platform
from tests.orders.helpers import create_proxy, make_world, new_line

ORDER = "query($id: ID!) { order(id: $id) { id status } }"
BY_STATUS = """
query($s: [OrderStatus!]) { orders(filter: {statuses: $s}) { totalCount } }
"""


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_unpaid_order_closes_after_24_hours(client, session, world, frozen_clock):
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    order_id = created["order"]["id"]
    frozen_clock.advance(timedelta(hours=23, minutes=59))
    body = await gql(client, ORDER, {"id": order_id}, token=world.admin)
    assert body["data"]["order"]["status"] == "PENDING_PAYMENT"

    frozen_clock.advance(timedelta(minutes=1))
    body = await gql(client, ORDER, {"id": order_id}, token=world.admin)
    assert body["data"]["order"]["status"] == "CLOSED"
    body = await gql(client, BY_STATUS, {"s": ["CLOSED"]}, token=world.admin)
    assert body["data"]["orders"]["totalCount"] == 1
    body = await gql(client, BY_STATUS, {"s": ["PENDING_PAYMENT"]}, token=world.admin)
    assert body["data"]["orders"]["totalCount"] == 0

    assert await close_unpaid_orders(platform(session)) == "1 unpaid orders closed"
    stored = await session.scalar(select(Order).execution_options(populate_existing=True))
    assert stored.status is OrderStatus.CLOSED and stored.closed_at == stored.close_at
    assert await close_unpaid_orders(platform(session)) == "0 unpaid orders closed"
