"""rejectPartnerPayment: the partner declines customers' requests to pay, each order on its
own (per-item results, replays), with a reason; its refusals."""

from __future__ import annotations

import pytest

from tests.factories import customer_token, global_id, gql
from tests.orders.helpers import (
    CREATE_OWN,
    REQUEST,
    act,
    create_own,
    errors,
    make_world,
    new_line,
    order,
)


@pytest.fixture
async def world(session):
    return await make_world(session, money="1000.00")


REJECT_ITEMS = """
mutation Reject($input: RejectPartnerPaymentInput!) {
  rejectPartnerPayment(input: $input) {
    items { index order { id partnerPaymentStatus } userErrors { code field } }
    orders { id }
    userErrors { code field }
  }
}
"""


async def test_reject_partner_payment_answers_per_item(client, session, world):
    # given a customer's order that asks its partner to pay, and a proxy order that doesn't
    token = await customer_token(session, world.customer)
    own = await gql(
        client,
        CREATE_OWN,
        {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(world.products["ecs"])],
                "idempotencyKey": "own",
            }
        },
        token=token,
    )
    own_id = own["data"]["createOrder"]["order"]["id"]
    asked = await gql(
        client, REQUEST, {"input": {"orderId": own_id, "idempotencyKey": "ask"}}, token=token
    )
    assert asked["data"]["requestPartnerPayment"]["userErrors"] == []
    proxy = await order(client, world, 1, "proxy")
    variables = {"input": {"orderIds": [proxy, own_id], "reason": "No.", "idempotencyKey": "r"}}

    # when
    body = await gql(client, REJECT_ITEMS, variables, token=world.finance)
    again = await gql(client, REJECT_ITEMS, variables, token=world.finance)

    # then
    result = body["data"]["rejectPartnerPayment"]
    assert again["data"]["rejectPartnerPayment"] == result
    assert [(i["index"], i["order"]) for i in result["items"]] == [
        (0, None),
        (1, {"id": own_id, "partnerPaymentStatus": "REJECTED"}),
    ]
    assert errors(result["items"][0]["userErrors"]) == [
        ("INVALID_STATE", ["input", "orderIds", "0"])
    ]
    assert result["orders"] == [{"id": own_id}]
    assert errors(result["userErrors"]) == [("INVALID_STATE", ["input", "orderIds", "0"])]


async def reject(client, token, order_ids, reason="No.", key="r") -> dict:
    variables = {"input": {"orderIds": order_ids, "reason": reason, "idempotencyKey": key}}
    return await gql(client, REJECT_ITEMS, variables, token=token)


async def test_batch_limits_and_a_blank_key(client, session, world):
    order_id = await order(client, world, 1, "a")

    too_many = await reject(client, world.finance, [global_id("Order", n) for n in range(1, 52)])
    twice = await reject(client, world.finance, [order_id, order_id], key="twice")
    blank = await reject(client, world.finance, [order_id], key=" ")

    for body in (too_many, twice, blank):
        assert body["data"]["rejectPartnerPayment"]["items"] == []
    assert errors(too_many["data"]["rejectPartnerPayment"]["userErrors"]) == [
        ("INVALID_INPUT", ["input", "orderIds"])
    ]
    assert errors(twice["data"]["rejectPartnerPayment"]["userErrors"]) == [
        ("INVALID_INPUT", ["input", "orderIds"])
    ]
    assert errors(blank["data"]["rejectPartnerPayment"]["userErrors"]) == [
        ("INVALID_INPUT", ["input", "idempotencyKey"])
    ]


async def test_a_customer_cannot_reject(client, session, world):
    order_id = await order(client, world, 1, "a")
    token = await customer_token(session, world.customer)

    body = await reject(client, token, [order_id])

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_same_key_with_another_reason_is_refused(client, session, world):
    # given a rejected request
    token = await customer_token(session, world.customer)
    own = await create_own(client, token, world.customer, [new_line(world.products["ecs"])])
    own_id = own["order"]["id"]
    await act(client, token, REQUEST, own_id)
    first = await reject(client, world.finance, [own_id], reason="Budget", key="same")
    assert first["data"]["rejectPartnerPayment"]["userErrors"] == []

    # when the key is sent again with another reason
    other = await reject(client, world.finance, [own_id], reason="Other", key="same")

    # then
    assert errors(other["data"]["rejectPartnerPayment"]["userErrors"]) == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
