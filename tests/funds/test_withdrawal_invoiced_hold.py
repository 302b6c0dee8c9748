"""A RESELLER customer's order refunded to the partner while an issued invoice covers it: that
money can't be withdrawn (`INVOICED_NOT_RETURNED`) until the invoice is returned.

As in the demo (app/demo/invoices.py): the partner pays a yearly RDS proxy order, the whole
invoiceable amount is invoiced and issued, then the RDS is unsubscribed within 5 days and its
full price comes back to the partner's allocatable balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from app import clock
from app.demo.catalog import seed_catalog
from app.models import Customer, Partner, PartnerUser, Product, Recharge, Resource, Withdrawal
from app.models.funds.enums import RechargeChannel
from app.models.orders.enums import OrderKind, PeriodUnit
from app.models.partners.enums import Role
from app.services.invoices import requests, transitions
from app.services.orders import orders
from app.services.orders import payments as order_payments
from app.services.orders.lines import LineInput
from tests.factories import gql, make_customer, make_partner, make_user, platform_token, token_for
from tests.funds.helpers import acting_as, assert_books_balance, pay_incentive, platform, recharge
from tests.funds.withdrawal_helpers import (
    ALIPAY,
    BANK,
    HOLDER,
    REQUEST,
    errors_of,
    original_route,
    request_input,
)
from tests.invoices.helpers import make_profile
from tests.invoices.money import CONFIRM, RETURN, iid
from tests.lifecycle.factories import make_authorization

RDS = "rds.mysql-x1-large-2.cn-north-4.ym"
ECS = "ecs.s6-large-2.cn-north-4.ym"
TODAY = date(2026, 6, 15)

WITHDRAWABLE = """
query {
  viewer { partner { account {
    allocatable { amount }
    withdrawable {
      total { amount } originalRouteOnly { amount } bankCard { amount }
      invoicedNotReturned { amount }
      invoicesToReturn { id invoiceNumber status amount { amount } }
    }
  } } }
}
"""


@dataclass
class Shop:
    """A certified partner with 10000.00 recharged, a RESELLER customer that authorized proxy
    orders, and an invoice profile."""

    partner: Partner
    customer: Customer
    admin: PartnerUser
    finance: PartnerUser
    token: str
    platform_token: str
    recharge: Recharge
    profile_id: int


async def make_shop(session, channel: RechargeChannel) -> Shop:
    await seed_catalog(session)
    partner = await make_partner(session, certified_company_name=HOLDER)
    admin = await make_user(session, partner, Role.ADMIN)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner, manager=admin)
    await make_authorization(session, customer, ends_at=clock.now() + timedelta(days=400))
    paid = await recharge(session, partner, "10000.00", channel=channel)
    profile = await make_profile(session, finance)
    return Shop(
        partner,
        customer,
        admin,
        finance,
        await token_for(session, finance),
        await platform_token(session),
        paid,
        profile.id,
    )


@pytest.fixture(params=["ORIGINAL_ROUTE", "BANK_CARD"])
def route(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def shop(session, route: str) -> Shop:
    # an ALIPAY recharge may go back its original route; a bank transfer (to an OTHER-entity
    # partner) may leave by bank card at once
    return await make_shop(session, ALIPAY if route == "ORIGINAL_ROUTE" else BANK)


async def bought(session, shop: Shop, code: str = RDS) -> tuple[int, Decimal]:
    """A yearly proxy order the partner paid: its id and amount."""
    product = await session.scalar(select(Product.id).where(Product.code == code))
    assert product is not None, code
    line = LineInput(OrderKind.NEW, product_id=product, period_unit=PeriodUnit.YEAR, period_count=1)
    order = await orders.create_proxy_order(
        acting_as(session, shop.admin), shop.customer.id, [line]
    )
    result = await order_payments.pay_orders(acting_as(session, shop.finance), [order.id])
    assert not result.errors, result.errors
    return order.id, order.amount_due


async def unsubscribe(session, shop: Shop, order_id: int) -> None:
    """The order's resource unsubscribed (within 5 days: refunded in full)."""
    resource = await session.scalar(
        select(Resource.id).where(
            Resource.partner_id == shop.partner.id, Resource.order_id == order_id
        )
    )
    assert resource is not None
    await orders.create_proxy_order(
        acting_as(session, shop.admin),
        shop.customer.id,
        [LineInput(OrderKind.UNSUBSCRIBE, resource_id=resource)],
    )


async def invoice(session, shop: Shop, amount: Decimal, number: str | None) -> int:
    """An invoice of `amount` requested today and, with a number, issued today."""
    invoice_id = await requests.request_invoice(
        acting_as(session, shop.finance), shop.profile_id, amount=amount
    )
    if number is not None:
        await transitions.issue_invoice(platform(session), invoice_id, number, TODAY)
    return invoice_id


async def refunded_under_invoice(session, shop: Shop, frozen_clock) -> tuple[int, Decimal]:
    """The demo's case: a yearly RDS paid, invoiced and issued as 04400300, unsubscribed the
    next day. Returns the invoice and the RDS's price."""
    order_id, price = await bought(session, shop)
    assert price == Decimal("4590.00")
    invoice_id = await invoice(session, shop, price, "04400300")
    frozen_clock.advance(timedelta(days=1))
    await unsubscribe(session, shop, order_id)
    return invoice_id, price


def withdrawal(shop: Shop, route: str, amount: Decimal | str) -> dict[str, Any]:
    if route == "ORIGINAL_ROUTE":
        return original_route(shop.recharge, str(amount))
    return request_input("BANK_CARD", str(amount))


async def withdraw(client, shop: Shop, route: str, amount: Decimal | str) -> dict[str, Any]:
    return await gql(client, REQUEST, withdrawal(shop, route, amount), token=shop.token)


async def withdrawable(client, shop: Shop) -> dict[str, Any]:
    body = await gql(client, WITHDRAWABLE, token=shop.token)
    assert "errors" not in body, body
    account = body["data"]["viewer"]["partner"]["account"]
    shown = account["withdrawable"]
    return {
        "allocatable": account["allocatable"]["amount"],
        "total": shown["total"]["amount"],
        "originalRouteOnly": shown["originalRouteOnly"]["amount"],
        "bankCard": shown["bankCard"]["amount"],
        "held": shown["invoicedNotReturned"]["amount"],
        "toReturn": [
            (i["id"], i["invoiceNumber"], i["status"], i["amount"]["amount"])
            for i in shown["invoicesToReturn"]
        ],
    }


async def withdrawals(session, shop: Shop) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Withdrawal)
            .where(Withdrawal.partner_id == shop.partner.id)
        )
    )


async def test_refunded_money_under_an_issued_invoice_is_held(
    client, session, shop, route, frozen_clock
):
    # given the RDS's 4590.00 back on the allocatable balance, still invoiced
    await refunded_under_invoice(session, shop, frozen_clock)

    # when the partner withdraws everything
    body = await withdraw(client, shop, route, "10000.00")

    # then the invoiced part is refused, naming the amount and the invoice to return
    assert errors_of(body, "requestWithdrawal") == [("INVOICED_NOT_RETURNED", ["input", "amount"])]
    assert body["data"]["requestWithdrawal"]["userErrors"][0]["message"] == (
        "4590.00 of the refunded money is still covered by issued invoices, so at most 5410.00 "
        "can be withdrawn now; asked for 10000.00; return invoice 04400300 (4590.00) first."
    )
    assert body["data"]["requestWithdrawal"]["withdrawal"] is None
    # and nothing changed
    assert await withdrawals(session, shop) == 0
    assert (await withdrawable(client, shop))["allocatable"] == "10000.00"

    # and one cent more than is free is refused too, while exactly the free part may leave
    over = await withdraw(client, shop, route, "5410.01")
    assert errors_of(over, "requestWithdrawal") == [("INVOICED_NOT_RETURNED", ["input", "amount"])]
    body = await withdraw(client, shop, route, "5410.00")
    assert body["data"]["requestWithdrawal"]["userErrors"] == []
    assert await withdrawals(session, shop) == 1
    await assert_books_balance(session)


async def test_withdrawable_leaves_the_held_money_out(client, session, shop, route, frozen_clock):
    # given
    invoice_id, _ = await refunded_under_invoice(session, shop, frozen_clock)

    # when
    shown = await withdrawable(client, shop)

    # then the total and the route parts leave it out, and the invoice to return is named
    assert (shown["allocatable"], shown["total"], shown["held"]) == (
        "10000.00",
        "5410.00",
        "4590.00",
    )
    if route == "ORIGINAL_ROUTE":  # the ALIPAY recharge is inside its window
        assert (shown["originalRouteOnly"], shown["bankCard"]) == ("5410.00", "0.00")
    else:
        assert (shown["originalRouteOnly"], shown["bankCard"]) == ("0.00", "5410.00")
    assert shown["toReturn"] == [(iid(invoice_id), "04400300", "ISSUED", "4590.00")]


async def test_after_the_return_is_confirmed_the_withdrawal_goes_through(
    client, session, shop, route, frozen_clock
):
    # given the invoice asked back: it still covers the money, but there is nothing more to
    # return
    invoice_id, _ = await refunded_under_invoice(session, shop, frozen_clock)
    asked = await gql(
        client,
        RETURN,
        {"input": {"invoiceId": iid(invoice_id), "reason": "退订"}},
        token=shop.token,
    )
    assert asked["data"]["requestInvoiceReturn"]["userErrors"] == []
    shown = await withdrawable(client, shop)
    assert (shown["held"], shown["toReturn"]) == ("4590.00", [])
    still = await withdraw(client, shop, route, "10000.00")
    assert errors_of(still, "requestWithdrawal") == [("INVOICED_NOT_RETURNED", ["input", "amount"])]
    assert "return invoice" not in still["data"]["requestWithdrawal"]["userErrors"][0]["message"]

    # when the platform confirms the return
    confirmed = await gql(
        client, CONFIRM, {"input": {"invoiceId": iid(invoice_id)}}, token=shop.platform_token
    )
    assert confirmed["data"]["confirmInvoiceReturn"]["userErrors"] == []

    # then nothing is held and all of it may leave
    shown = await withdrawable(client, shop)
    assert (shown["total"], shown["held"], shown["toReturn"]) == ("10000.00", "0.00", [])
    body = await withdraw(client, shop, route, "10000.00")
    assert body["data"]["requestWithdrawal"]["userErrors"] == []
    assert body["data"]["requestWithdrawal"]["withdrawal"]["amount"]["amount"] == "10000.00"
    await assert_books_balance(session)


async def test_a_request_not_yet_issued_holds_nothing(client, session, shop, route, frozen_clock):
    # given the RDS invoiced only as a request, then refunded
    order_id, price = await bought(session, shop)
    await invoice(session, shop, price, None)
    frozen_clock.advance(timedelta(days=1))
    await unsubscribe(session, shop, order_id)

    # when / then: it may still be cancelled or rejected, so all the money may leave
    shown = await withdrawable(client, shop)
    assert (shown["total"], shown["held"], shown["toReturn"]) == ("10000.00", "0.00", [])
    body = await withdraw(client, shop, route, "10000.00")
    assert body["data"]["requestWithdrawal"]["userErrors"] == []


async def test_new_paid_spending_frees_held_money(client, session, shop, route, frozen_clock):
    # given the RDS refunded under its issued invoice
    await refunded_under_invoice(session, shop, frozen_clock)

    # when the partner pays a yearly ECS of 1836.00, not invoiced
    _, spent = await bought(session, shop, ECS)
    assert spent == Decimal("1836.00")

    # then that much of the refund is covered by spending again: 4590.00 - 1836.00 is held
    shown = await withdrawable(client, shop)
    assert (shown["allocatable"], shown["held"], shown["total"]) == (
        "8164.00",
        "2754.00",
        "5410.00",
    )


async def test_the_newest_issued_invoices_are_named_until_they_reach_the_hold(
    client, session, shop, route, frozen_clock
):
    # given a yearly ECS paid and invoiced (the oldest invoice), then an RDS paid and
    # invoiced in two parts, 100.00 first, and the RDS refunded
    _, ecs = await bought(session, shop, ECS)
    await invoice(session, shop, ecs, "04400301")
    rds_order, rds = await bought(session, shop)
    frozen_clock.advance(timedelta(hours=1))
    older = await invoice(session, shop, Decimal("100.00"), "04400302")
    frozen_clock.advance(timedelta(hours=1))
    newest = await invoice(session, shop, rds - Decimal("100.00"), "04400303")
    frozen_clock.advance(timedelta(days=1))
    await unsubscribe(session, shop, rds_order)

    # when
    shown = await withdrawable(client, shop)

    # then the refund is held, and the newest invoices are named until they reach it: the
    # ECS's invoice is not needed
    assert shown["held"] == "4590.00"
    assert shown["toReturn"] == [
        (iid(newest), "04400303", "ISSUED", "4490.00"),
        (iid(older), "04400302", "ISSUED", "100.00"),
    ]
    body = await withdraw(client, shop, route, "8164.00")
    message = body["data"]["requestWithdrawal"]["userErrors"][0]["message"]
    assert message.endswith("return invoice 04400303 (4490.00), 04400302 (100.00) first.")


@pytest.mark.parametrize("route", ["BANK_CARD"])  # the shop's recharge does not matter
async def test_an_incentive_rebate_is_not_held(client, session, shop, route, frozen_clock):
    # given the RDS refunded under its issued invoice, and 300.00 of incentive
    await refunded_under_invoice(session, shop, frozen_clock)
    await pay_incentive(session, shop.partner, "300.00")

    # when / then: the incentive account is not invoiced money
    body = await gql(client, REQUEST, request_input("INCENTIVE_REBATE", "300.00"), token=shop.token)
    assert body["data"]["requestWithdrawal"]["userErrors"] == []
