"""cancelOrder: the partner (ADMIN, SALES) or the customer cancels an unpaid order; refusals."""

from __future__ import annotations

import pytest

from tests.factories import customer_token, gql
from tests.orders.helpers import CANCEL, create_proxy, make_world, new_line


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_partner_and_customer_cancel(client, session, world):
    first = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], key="1"
    )
    second = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], key="2"
    )
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": first["order"]["id"], "idempotencyKey": "c"}},
        token=world.sales,
    )
    assert body["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": first["order"]["id"], "idempotencyKey": "c2"}},
        token=world.sales,
    )
    assert body["data"]["cancelOrder"]["userErrors"][0]["code"] == "INVALID_STATE"
    token = await customer_token(session, world.customer)
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": second["order"]["id"], "idempotencyKey": "c"}},
        token=token,
    )
    assert body["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    body = await gql(
        client,
        CANCEL,
        {"input": {"orderId": second["order"]["id"], "idempotencyKey": "f"}},
        token=world.finance,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
