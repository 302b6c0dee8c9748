"""Order fixtures: a partner with money, a managed RESELLER customer that authorized proxy
orders, the demo catalog; and the GraphQL documents the tests send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app import clock
from app.demo.catalog import seed_catalog
from app.models import Customer, Partner, Product, Resource
from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_customer, make_partner, make_user, token_for
from tests.funds.helpers import recharge
from tests.lifecycle.factories import make_authorization

ORDER_FIELDS = """
  id kind status source payer paidAt completedAt closeAt awaitingPartnerPayment
  partnerPaymentStatus partnerPaymentRejectReason
  listAmount { amount } discountAmount { amount } amountDue { amount } refundAmount { amount }
  lines { lineNumber kind quantity amountDue { amount } listAmount { amount }
          discountAmount { amount } pricingRules termStart termEnd resource { id } }
  payments { payer amount { amount } transactionId }
  refunds { payee amount { amount } rule transactionId refundedOrder { id } }
"""
CREATE_PROXY = (
    """
mutation Create($input: CreateProxyOrderInput!) {
  createProxyOrder(input: $input) { order { """
    + ORDER_FIELDS
    + """ } userErrors { code field message } }
}
"""
)
CREATE_OWN = (
    """
mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) { order { """
    + ORDER_FIELDS
    + """ } userErrors { code field message } }
}
"""
)
PAY = (
    """
mutation Pay($input: PayOrdersInput!) {
  payOrders(input: $input) { orders { """
    + ORDER_FIELDS
    + """ } userErrors { code field message } }
}
"""
)
PAY_OWN = """
mutation Pay($input: OrderActionInput!) {
  payOrder(input: $input) { order { id status payer } userErrors { code field message } }
}
"""
REQUEST = """
mutation Ask($input: OrderActionInput!) {
  requestPartnerPayment(input: $input) {
    order { id awaitingPartnerPayment partnerPaymentStatus } userErrors { code field message }
  }
}
"""
REJECT = """
mutation Reject($input: RejectPartnerPaymentInput!) {
  rejectPartnerPayment(input: $input) {
    orders { id partnerPaymentStatus partnerPaymentRejectReason } userErrors { code field message }
  }
}
"""
CANCEL = """
mutation Cancel($input: OrderActionInput!) {
  cancelOrder(input: $input) { order { id status } userErrors { code field message } }
}
"""
ALLOCATABLE = """
query { viewer { partner { account { allocatable { amount } balance { amount } } } } }
"""


@dataclass
class World:
    partner: Partner
    customer: Customer
    products: dict[str, int]
    admin: str
    sales: str
    finance: str
    viewer: str


async def product_id(session, code: str) -> int:
    found = await session.scalar(select(Product.id).where(Product.code == code))
    assert found is not None, code
    return found


async def make_world(session, money: str = "10000.00") -> World:
    await seed_catalog(session)
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    finance = await make_user(session, partner, Role.FINANCE)
    viewer = await make_user(session, partner, Role.VIEWER)
    customer = await make_customer(session, partner, manager=sales)
    await make_authorization(session, customer, ends_at=clock.now() + timedelta(days=400))
    if money:
        await recharge(session, partner, money)
    codes = {
        "ecs": "ecs.s6-large-2.cn-north-4.ym",
        "ecs_xl": "ecs.s6-xlarge-2.cn-north-4.ym",
        "ecs_east": "ecs.s6-large-2.cn-east-3.ym",
        "evs": "evs.ssd-100gb.cn-north-4.ym",
        "ecs_od": "ecs.s6-large-2.cn-north-4.od",
    }
    products = {name: await product_id(session, code) for name, code in codes.items()}
    return World(
        partner,
        customer,
        products,
        await token_for(session, admin),
        await token_for(session, sales),
        await token_for(session, finance),
        await token_for(session, viewer),
    )


def new_line(product: int, *, unit: str = "MONTH", count: int = 1, quantity: int = 1) -> dict:
    return {
        "kind": "NEW",
        "productId": global_id("Product", product),
        "quantity": quantity,
        "period": {"unit": unit, "count": count},
    }


def resource_line(kind: str, resource_id: str, **extra: Any) -> dict:
    return {"kind": kind, "resourceId": resource_id, **extra}


async def create_proxy(client, token, customer, lines, key="create-1") -> dict:
    body = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": lines,
                "idempotencyKey": key,
            }
        },
        token=token,
    )
    assert "errors" not in body, body
    return body["data"]["createProxyOrder"]


async def pay(client, token, order_ids, key="pay-1") -> dict:
    body = await gql(
        client, PAY, {"input": {"orderIds": order_ids, "idempotencyKey": key}}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["payOrders"]


async def allocatable(client, token) -> str:
    body = await gql(client, ALLOCATABLE, token=token)
    return body["data"]["viewer"]["partner"]["account"]["allocatable"]["amount"]


async def resources_of(session, customer) -> list[Resource]:
    return list(
        await session.scalars(
            select(Resource)
            .where(Resource.customer_id == customer.id)
            .order_by(Resource.id)
            .execution_options(populate_existing=True)
        )
    )


async def create_own(client, token, customer, lines, key="own-1") -> dict:
    body = await gql(
        client,
        CREATE_OWN,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": lines,
                "idempotencyKey": key,
            }
        },
        token=token,
    )
    assert "errors" not in body, body
    return body["data"]["createOrder"]


async def act(client, token, document, order_id, key="act-1") -> dict:
    body = await gql(
        client, document, {"input": {"orderId": order_id, "idempotencyKey": key}}, token=token
    )
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


async def order(client, world, months=1, key=None) -> str:
    created = await create_proxy(
        client,
        world.sales,
        world.customer,
        [new_line(world.products["ecs"], count=months)],
        key=key or f"o-{months}-{id(world)}",
    )
    assert created["userErrors"] == [], created
    return created["order"]["id"]


def errors(entries) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in entries]
