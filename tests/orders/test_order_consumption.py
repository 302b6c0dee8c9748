"""A paid yearly/monthly order becomes consumption: one detail per paid line, no charge."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from app.globalid import to_global_id
from app.models import ConsumptionDetail, LedgerEntry
from app.models.customers.enums import BillingMode
from app.models.funds.enums import LedgerKind
from app.services.consumption.verify import verify as verify_consumption
from tests.factories import gql
from tests.funds.helpers import assert_books_balance
from tests.orders.helpers import create_proxy, make_world, new_line, pay, resource_line


async def test_a_paid_order_writes_its_consumption_detail(client, session):
    # given a 3-month order of two ECS instances for a customer
    world = await make_world(session)
    created = await create_proxy(
        client,
        world.sales,
        world.customer,
        [new_line(world.products["ecs"], count=3, quantity=2)],
    )
    order_id = created["order"]["id"]

    # when the partner pays it
    paid = await pay(client, world.finance, [order_id])

    # then one prepaid detail of the order's amount, and no customer charge
    assert paid["userErrors"] == []
    details = (
        await session.scalars(
            select(ConsumptionDetail).where(ConsumptionDetail.customer_id == world.customer.id)
        )
    ).all()
    assert len(details) == 1
    detail = details[0]
    assert detail.billing_mode is BillingMode.YEARLY_MONTHLY
    assert detail.amount_due == Decimal(created["order"]["amountDue"]["amount"])
    assert detail.cash_paid == detail.amount_due
    assert detail.bill_cycle == "2026-06"
    charges = await session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.kind == LedgerKind.CUSTOMER_CHARGE)
    )
    assert charges == 0
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_an_unsubscribe_adds_only_its_refund_line(client, session):
    world = await make_world(session)
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    before = await session.scalar(select(func.count()).select_from(ConsumptionDetail))
    resource_id = (
        await client.post(
            "/graphql",
            json={"query": "{ resources(first: 1) { nodes { id } } }"},
            headers={"Authorization": f"Bearer {world.admin}"},
        )
    ).json()["data"]["resources"]["nodes"][0]["id"]

    unsubscribed = await create_proxy(
        client, world.sales, world.customer, [resource_line("UNSUBSCRIBE", resource_id)], key="u-1"
    )

    # then the unsubscribe order itself adds no line: only the refund's negative one
    assert unsubscribed["userErrors"] == []
    assert await session.scalar(select(func.count()).select_from(ConsumptionDetail)) == before + 1
    kinds = await session.scalars(select(ConsumptionDetail.kind).order_by(ConsumptionDetail.id))
    assert [k.value for k in kinds] == ["PREPAID", "REFUND"]
    assert await verify_consumption(session) == []
    await assert_books_balance(session)


async def test_the_prepaid_line_links_its_order_and_product_by_global_id(client, session):
    # given a paid order
    world = await make_world(session)
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    order = created["order"]
    assert (await pay(client, world.finance, [order["id"]]))["userErrors"] == []

    # when the line is read through the API and the export
    body = await gql(
        client,
        """{ consumptionDetails(first: 5) {
               nodes { kind order { id status } product { id code } } } }""",
        token=world.viewer,
    )
    exported = await client.get(
        "/exports/consumption-details.ndjson",
        headers={"Authorization": f"Bearer {world.viewer}"},
    )

    # then both name the order and the product by the ids the rest of the API uses
    (line,) = body["data"]["consumptionDetails"]["nodes"]
    assert line["kind"] == "PREPAID"
    assert line["order"] == {"id": order["id"], "status": "COMPLETED"}
    assert line["product"]["id"] == to_global_id("Product", world.products["ecs"])
    (row,) = [json.loads(text) for text in exported.text.splitlines()]
    assert (row["order_id"], row["product_id"]) == (order["id"], line["product"]["id"])
