"""`on_order_completed`: other domains (Consumption) hook into completion, in its transaction."""

from __future__ import annotations

from app.services.orders import hooks as order_hooks
from tests.orders.helpers import create_proxy, make_world, new_line, pay


async def test_hooks_run_once_per_completed_order_with_its_lines(client, session):
    world = await make_world(session)
    calls = []

    async def record(ctx, order, lines):
        calls.append(
            (order.id, order.status.value, order.payer, [line.kind.value for line in lines])
        )

    order_hooks.on_order_completed(record)
    try:
        created = await create_proxy(
            client, world.sales, world.customer, [new_line(world.products["ecs"])]
        )
        assert calls == []
        await pay(client, world.finance, [created["order"]["id"]])
    finally:
        order_hooks.COMPLETED_HOOKS.remove(record)
    assert len(calls) == 1
    _id, status, payer, kinds = calls[0]
    assert status == "COMPLETED" and payer.value == "PARTNER" and kinds == ["NEW"]
