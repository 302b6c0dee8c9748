"""Pickup voucher fixtures: a partner with RESELLER customers (one managed by a SALES user),
a REFERRAL and a former customer, every role's token, the platform's, the demo catalog; and
the GraphQL documents the tests send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app import clock
from app.demo.catalog import seed_catalog
from app.models import Customer, Partner, PickupVoucher
from app.models.coupons.enums import PickupVoucherStatus
from app.models.customers.enums import AssociationType
from app.models.orders.enums import PeriodUnit
from app.models.partners.enums import Role
from tests.factories import (
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.orders.helpers import product_id

VOUCHER_FIELDS = """
  id status period { unit count } validFrom validTo remark redeemedAt createdAt
  customer { id name } product { id code } heldByOrder { id } redeemedOrder { id }
"""
CREATE = (
    """
mutation Create($input: CreatePickupVouchersInput!) {
  createPickupVouchers(input: $input) {
    items { index pickupVoucher { """
    + VOUCHER_FIELDS
    + """ } userErrors { code field message } }
    pickupVouchers { id }
    userErrors { code field message }
  }
}
"""
)
LIST = (
    """
query List($filter: PickupVoucherFilter, $first: Int, $after: String) {
  pickupVouchers(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { """
    + VOUCHER_FIELDS
    + """ }
  }
}
"""
)


@dataclass
class World:
    partner: Partner
    customer: Customer  # RESELLER, managed by the SALES user
    other: Customer  # RESELLER, nobody's
    referral: Customer
    former: Customer
    products: dict[str, int]
    platform: str
    tokens: dict[str, str]  # ADMIN, FINANCE, SALES, VIEWER


async def make_world(session) -> World:
    await seed_catalog(session)
    partner = await make_partner(session)
    users = {role: await make_user(session, partner, role) for role in Role}
    customer = await make_customer(session, partner, manager=users[Role.SALES])
    other = await make_customer(session, partner)
    referral = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    former = await make_customer(session, partner, ended_at=clock.now() - timedelta(days=1))
    codes = {
        "ecs": "ecs.s6-large-2.cn-north-4.ym",
        "evs": "evs.ssd-100gb.cn-north-4.ym",
        "ecs_od": "ecs.s6-large-2.cn-north-4.od",
    }
    products = {name: await product_id(session, code) for name, code in codes.items()}
    return World(
        partner,
        customer,
        other,
        referral,
        former,
        products,
        await platform_token(session),
        {role.value: await token_for(session, user) for role, user in users.items()},
    )


def voucher_input(world: World, *customers: Customer, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "partnerId": global_id("Partner", world.partner.id),
        "customerIds": [global_id("Customer", c.id) for c in customers or (world.customer,)],
        "productId": global_id("Product", world.products["ecs"]),
        "period": {"unit": "MONTH", "count": 3},
        "validTo": iso(clock.now() + timedelta(days=90)),
        "remark": "年度促销",
        "idempotencyKey": "vouchers-1",
    }
    values.update(fields)
    return values


async def create(client, token: str, values: dict[str, Any]) -> dict[str, Any]:
    body = await gql(client, CREATE, {"input": values}, token=token)
    assert "errors" not in body, body
    return body["data"]["createPickupVouchers"]


async def make_voucher(
    session,
    customer: Customer,
    product: int,
    *,
    status: PickupVoucherStatus = PickupVoucherStatus.AVAILABLE,
    valid_to: datetime | None = None,
    created_at: datetime | None = None,
    **fields: Any,
) -> PickupVoucher:
    """A voucher row as another domain leaves it (redeemed, held), for the read tests."""
    values: dict[str, Any] = {
        "partner_id": customer.partner_id,
        "customer_id": customer.id,
        "product_id": product,
        "period_unit": PeriodUnit.MONTH,
        "period_count": 1,
        "status": status,
        "valid_from": clock.now() - timedelta(days=30),
        "valid_to": valid_to or clock.now() + timedelta(days=30),
        "remark": "",
        "created_at": created_at or clock.now(),
    }
    voucher = PickupVoucher(**{**values, **fields})
    session.add(voucher)
    await session.flush()
    return voucher
