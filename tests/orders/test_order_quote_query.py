"""orderQuote: a price inquiry names every rule and writes nothing; its refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Order
from tests.factories import global_id, gql, make_customer, make_partner
from tests.orders.helpers import make_world, new_line


@pytest.fixture
async def world(session):
    return await make_world(session)


QUOTE = """
query Quote($input: OrderQuoteInput!) {
  orderQuote(input: $input) {
    quote {
      amountDue { amount } listAmount { amount } discountAmount { amount }
      lines { lineNumber listAmount { amount { amount } rule } discounts { amount { amount } rule }
              couponDeductions { amount { amount } rule } amountDue { amount { amount } rule } }
    }
    userErrors { code field message }
  }
}
"""


async def test_quote_names_every_rule_and_writes_nothing(client, session, world):
    # given a yearly line (yearly price below 12 months) and a monthly one
    lines = [
        new_line(world.products["ecs"], unit="YEAR", count=1, quantity=2),
        new_line(world.products["evs"], unit="MONTH", count=3),
    ]

    # when
    body = await gql(
        client,
        QUOTE,
        {"input": {"customerId": global_id("Customer", world.customer.id), "lines": lines}},
        token=world.sales,
    )

    # then
    assert "errors" not in body, body
    result = body["data"]["orderQuote"]
    assert result["userErrors"] == []
    yearly, monthly = result["quote"]["lines"]
    assert yearly["listAmount"]["amount"]["amount"] == "4320.00"  # 180 x 12 x 2
    assert yearly["discounts"][0]["amount"]["amount"] == "648.00"  # (2160 - 1836) x 2
    assert yearly["discounts"][0]["rule"].startswith("YEARLY_PRICE")
    assert yearly["couponDeductions"] == []  # no coupon named: no deduction step at all
    assert yearly["amountDue"]["amount"]["amount"] == "3672.00"
    assert monthly["amountDue"]["amount"]["amount"] == "300.00"
    assert result["quote"]["amountDue"]["amount"] == "3972.00"
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_a_quote_for_no_visible_customer_or_no_lines_is_refused(client, session, world):
    # given another partner's customer
    stranger = await make_customer(session, await make_partner(session))
    line = [new_line(world.products["ecs"])]

    # when
    async def quote(customer_id: str, lines: list) -> dict:
        variables = {"input": {"customerId": customer_id, "lines": lines}}
        body = await gql(client, QUOTE, variables, token=world.sales)
        assert "errors" not in body, body
        return body["data"]["orderQuote"]

    foreign = await quote(global_id("Customer", stranger.id), line)
    missing = await quote(global_id("Customer", 999_999), line)
    empty = await quote(global_id("Customer", world.customer.id), [])

    # then
    for result in (foreign, missing, empty):
        assert result["quote"] is None
    assert [(e["code"], e["field"]) for e in foreign["userErrors"]] == [
        ("NOT_FOUND", ["input", "customerId"])
    ]
    assert [(e["code"], e["field"]) for e in missing["userErrors"]] == [
        ("NOT_FOUND", ["input", "customerId"])
    ]
    assert [(e["code"], e["field"]) for e in empty["userErrors"]] == [
        ("INVALID_INPUT", ["input", "lines"])
    ]
    assert await session.scalar(select(func.count()).select_from(Order)) == 0
