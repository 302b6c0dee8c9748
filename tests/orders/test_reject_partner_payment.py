"""rejectPartnerPayment: the partner declines customers' requests to pay, each order on its
own (per-item results, replays), with a reason; its refusals."""

from __future__ import annotations

import pytest

from tests.factories import customer_token, global_id, gql
from tests.orders.helpers import CREATE_OWN, REQUEST, errors, make_world, new_line, order


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
