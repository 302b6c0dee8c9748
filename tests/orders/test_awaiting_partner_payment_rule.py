""" "Awaiting the partner's payment" (代付) is one rule in the orders service: its Python form
(the `awaitingPartnerPayment` field) and its SQL form (the filter, the disassociation blocker)
agree on every combination of status, request and payment window."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from app.globalid import from_global_id
from app.models import Order
from app.models.orders.enums import OrderStatus, PartnerPaymentStatus
from app.services.orders.orders import awaiting_partner_payment, awaits_partner_payment
from tests.factories import gql
from tests.orders.helpers import ORDER_FIELDS, create_proxy, make_world, new_line
from tests.rows import reread

ORDERS = (
    """
query Awaiting($awaiting: Boolean) {
  orders(first: 10, filter: {awaitingPartnerPayment: $awaiting}) { nodes { """
    + ORDER_FIELDS
    + """ } }
}
"""
)


async def test_python_and_sql_agree(client, session, frozen_clock):
    world = await make_world(session)
    created = await create_proxy(
        client, world.admin, world.customer, [new_line(world.products["ecs"])]
    )
    order = await reread(session, Order, from_global_id(created["order"]["id"])[1])
    now = frozen_clock.now()
    combinations = itertools.product(
        list(OrderStatus), list(PartnerPaymentStatus), [now + timedelta(hours=1), now]
    )
    for status, requested, close_at in combinations:
        order.status, order.partner_payment_status, order.close_at = status, requested, close_at
        await session.flush()

        in_sql = await session.scalar(
            select(Order.id).where(Order.id == order.id, awaiting_partner_payment())
        )

        expected = (
            status is OrderStatus.PENDING_PAYMENT
            and requested is PartnerPaymentStatus.REQUESTED
            and close_at > now
        )
        assert awaits_partner_payment(order) is expected, (status, requested, close_at)
        assert (in_sql is not None) is expected, (status, requested, close_at)


async def test_the_field_and_the_filter_use_the_rule(client, session, frozen_clock):
    world = await make_world(session)
    created = await create_proxy(
        client, world.admin, world.customer, [new_line(world.products["ecs"])]
    )
    order = await reread(session, Order, from_global_id(created["order"]["id"])[1])
    order.partner_payment_status = PartnerPaymentStatus.REQUESTED
    await session.flush()

    awaiting = await gql(client, ORDERS, {"awaiting": True}, token=world.finance)
    frozen_clock.advance(timedelta(hours=24))  # the payment window passes: CLOSED
    lapsed = await gql(client, ORDERS, {"awaiting": True}, token=world.finance)
    others = await gql(client, ORDERS, {"awaiting": False}, token=world.finance)

    nodes = awaiting["data"]["orders"]["nodes"]
    assert [(n["id"], n["awaitingPartnerPayment"]) for n in nodes] == [
        (created["order"]["id"], True)
    ]
    assert lapsed["data"]["orders"]["nodes"] == []
    closed = others["data"]["orders"]["nodes"]
    assert [(n["status"], n["awaitingPartnerPayment"]) for n in closed] == [("CLOSED", False)]
