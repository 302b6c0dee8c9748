"""`customerWithdrawals` and `node`: the customer sees its own, the partner's ADMIN and
FINANCE those of its customers (read-only), the platform all; other partners never."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import customer_token, global_id, gql, make_partner, make_user, token_for
from tests.funds import customer_withdrawal_helpers
from tests.funds.customer_withdrawal_helpers import (
    LIST,
    NODE,
    REJECT,
    frozen_customer,
    request_input,
    requested,
    review_input,
)

world = customer_withdrawal_helpers.world


def ids(body) -> list[str]:
    return [n["id"] for n in body["data"]["customerWithdrawals"]["nodes"]]


async def second_customer_withdrawal(client, session, world) -> tuple[object, dict]:
    """Another customer of the same partner, with a withdrawal of its own."""
    other = await frozen_customer(session, world.partner)
    token = await customer_token(session, other)
    body = await gql(client, customer_withdrawal_helpers.REQUEST, request_input(other), token=token)
    return other, body["data"]["requestCustomerWithdrawal"]["customerWithdrawal"]


async def test_the_customer_sees_only_its_own(client, session, world):
    # given
    mine = await requested(client, world)
    _other, theirs = await second_customer_withdrawal(client, session, world)

    # when
    body = await gql(client, LIST, token=world.customer_token)
    node = await gql(client, NODE, {"id": theirs["id"]}, token=world.customer_token)

    # then
    assert ids(body) == [mine["id"]]
    assert body["data"]["customerWithdrawals"]["nodes"][0]["customer"] == {
        "id": global_id("Customer", world.customer.id)
    }
    assert node["data"]["node"] is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
async def test_the_partner_sees_its_customers_withdrawals(client, session, world, role):
    # given
    first = await requested(client, world)
    other, second = await second_customer_withdrawal(client, session, world)
    token = await token_for(session, await make_user(session, world.partner, role))

    # when
    body = await gql(client, LIST, token=token)
    only_other = await gql(
        client, LIST, {"filter": {"customerId": global_id("Customer", other.id)}}, token=token
    )
    node = await gql(client, NODE, {"id": first["id"]}, token=token)

    # then: newest first
    assert ids(body) == [second["id"], first["id"]]
    assert body["data"]["customerWithdrawals"]["totalCount"] == 2
    assert ids(only_other) == [second["id"]]
    assert node["data"]["node"] == {"id": first["id"], "status": "SUBMITTED"}


async def test_filter_by_status(client, session, world):
    submitted = await requested(client, world, "10.00")
    rejected = await requested(client, world, "20.00")
    await gql(client, REJECT, review_input(rejected["id"], reason="no"), token=world.platform)

    body = await gql(client, LIST, {"filter": {"statuses": ["REJECTED"]}}, token=world.admin)
    open_ones = await gql(client, LIST, {"filter": {"statuses": ["SUBMITTED"]}}, token=world.admin)

    assert ids(body) == [rejected["id"]]
    assert ids(open_ones) == [submitted["id"]]


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_sales_and_viewer_do_not_see_them(client, session, world, role):
    withdrawal = await requested(client, world)
    token = await token_for(session, await make_user(session, world.partner, role))

    body = await gql(client, LIST, token=token)
    node = await gql(client, NODE, {"id": withdrawal["id"]}, token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert node["data"]["node"] is None


async def test_another_partner_never_sees_them(client, session, world):
    # given: another partner with a frozen customer and a withdrawal of its own
    withdrawal = await requested(client, world)
    other_partner = await make_partner(session)
    other_customer = await frozen_customer(session, other_partner)
    await gql(
        client,
        customer_withdrawal_helpers.REQUEST,
        request_input(other_customer),
        token=await customer_token(session, other_customer),
    )
    admin = await token_for(session, await make_user(session, other_partner, Role.ADMIN))

    # when
    body = await gql(client, LIST, token=admin)
    node = await gql(client, NODE, {"id": withdrawal["id"]}, token=admin)
    filtered = await gql(
        client,
        LIST,
        {"filter": {"customerId": global_id("Customer", world.customer.id)}},
        token=admin,
    )

    # then: only its own customer's
    assert len(ids(body)) == 1 and withdrawal["id"] not in ids(body)
    assert node["data"]["node"] is None
    assert ids(filtered) == []


async def test_the_platform_sees_all(client, session, world):
    first = await requested(client, world)
    _other, second = await second_customer_withdrawal(client, session, world)

    body = await gql(client, LIST, token=world.platform)

    assert set(ids(body)) >= {first["id"], second["id"]}


async def test_a_malformed_customer_filter(client, session, world):
    body = await gql(client, LIST, {"filter": {"customerId": "%%%"}}, token=world.admin)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


SCREEN = """
query Screen($first: Int!) {
  customerWithdrawals(first: $first) {
    totalCount
    nodes {
      id status amount { amount } bankCard { holder cardNumber }
      customer { id name account { frozenOwnCash { amount } ownCashHeld { amount } } }
    }
  }
}
"""


async def test_the_list_costs_the_same_statements_whatever_its_size(
    client, session, world, statements
):
    # given 12 customers of the partner, each with a withdrawal
    for _ in range(11):
        customer = await frozen_customer(session, world.partner)
        await gql(
            client,
            customer_withdrawal_helpers.REQUEST,
            request_input(customer),
            token=await customer_token(session, customer),
        )
    await requested(client, world)
    await gql(client, SCREEN, {"first": 1}, token=world.finance)  # warm up

    counts = {}
    for first in (3, 12):
        # when
        token = await token_for(session, await make_user(session, world.partner, Role.FINANCE))
        statements.reset()
        statements.active = True
        body = await gql(client, SCREEN, {"first": first}, token=token)
        statements.active = False

        # then
        assert "errors" not in body
        assert len(body["data"]["customerWithdrawals"]["nodes"]) == first
        counts[first] = statements.count

    assert counts[3] == counts[12], statements.statements
