"""Coupons and pickup vouchers for the order tests, inserted directly (issuing and voucher
creation are tested in tests/coupons): rows valid per the models' docstrings -- a quota the
coupons drew their value from, CASH coupons with a face value, DISCOUNT coupons with a rate
and a cap, pickup vouchers of one product and period -- and the GraphQL documents the tests
send with coupons."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app import clock
from app.models import Coupon, CouponQuota, CouponUsage, OrderCoupon, PickupVoucher
from app.models.coupons.enums import CouponKind, CouponStatus, PickupVoucherStatus
from app.models.orders.enums import PeriodUnit
from tests.factories import global_id, gql
from tests.orders.helpers import ORDER_FIELDS

COUPON_ORDER_FIELDS = (
    ORDER_FIELDS
    + """
  couponAmount { amount }
  coupons { couponId position amount { amount } shares { lineNumber amount { amount } } }
  lines { lineNumber couponAmount { amount } pickupVoucherId }
"""
)
CREATE_PROXY = (
    """
mutation Create($input: CreateProxyOrderInput!) {
  createProxyOrder(input: $input) { order { """
    + COUPON_ORDER_FIELDS
    + """ } userErrors { code field message } }
}
"""
)
CREATE_OWN = (
    """
mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) { order { """
    + COUPON_ORDER_FIELDS
    + """ } userErrors { code field message } }
}
"""
)
QUOTE = """
query Quote($input: OrderQuoteInput!) {
  orderQuote(input: $input) {
    quote {
      listAmount { amount } discountAmount { amount } couponAmount { amount } amountDue { amount }
      lines { lineNumber amountDue { amount { amount } } pickupVoucherId
              couponDeductions { amount { amount } rule } }
      coupons { couponId position amount { amount } rule shares { lineNumber amount { amount } } }
    }
    userErrors { code field message }
  }
}
"""


async def make_quota(session, partner, amount: str = "100000.00") -> CouponQuota:
    now = clock.now()
    quota = CouponQuota(
        partner_id=partner.id,
        amount=Decimal(amount),
        remaining=Decimal(amount),
        valid_from=now - timedelta(days=30),
        valid_to=now + timedelta(days=365),
        created_at=now - timedelta(days=30),
    )
    session.add(quota)
    await session.flush()
    return quota


async def make_coupon(
    session,
    customer,
    *,
    kind: str = "CASH",
    value: str = "100.00",
    balance: str | None = None,
    rate: str | None = None,
    service_types: tuple[str, ...] = (),
    minimum: str = "0.00",
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    status: CouponStatus | None = None,
    quota: CouponQuota | None = None,
) -> Coupon:
    """A CASH coupon of face value `value`, or a DISCOUNT coupon of `rate` capped at `value`,
    drawn from a quota (its remainder lowered by the value drawn)."""
    now = clock.now()
    quota = quota or await make_quota(session, await _partner(session, customer))
    left = Decimal(balance if balance is not None else value)
    worth = Decimal(value)
    cash = kind == "CASH"
    coupon = Coupon(
        partner_id=customer.partner_id,
        quota_id=quota.id,
        customer_id=customer.id,
        kind=CouponKind(kind),
        status=status
        or (
            CouponStatus.AVAILABLE
            if left == worth
            else CouponStatus.PARTIALLY_USED
            if left > 0
            else CouponStatus.USED
        ),
        face_value=worth if cash else None,
        rate=None if cash else Decimal(rate or "0.85"),
        cap=None if cash else worth,
        value=worth,
        balance=left,
        valid_from=valid_from or now - timedelta(days=1),
        valid_to=valid_to or now + timedelta(days=30),
        service_types=list(service_types),
        minimum_order_amount=Decimal(minimum),
        created_at=now - timedelta(days=1),
    )
    quota.remaining -= worth
    session.add(coupon)
    await session.flush()
    return coupon


async def _partner(session, customer) -> Any:
    from app.models import Partner

    return await session.get(Partner, customer.partner_id)


async def make_voucher(
    session,
    customer,
    product_id: int,
    *,
    unit: str = "YEAR",
    count: int = 1,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    status: PickupVoucherStatus = PickupVoucherStatus.AVAILABLE,
) -> PickupVoucher:
    now = clock.now()
    voucher = PickupVoucher(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        product_id=product_id,
        period_unit=PeriodUnit(unit),
        period_count=count,
        status=status,
        valid_from=valid_from or now - timedelta(days=1),
        valid_to=valid_to or now + timedelta(days=90),
        created_at=now - timedelta(days=1),
    )
    session.add(voucher)
    await session.flush()
    return voucher


def cid(coupon: Coupon) -> str:
    return global_id("Coupon", coupon.id)


def vid(voucher: PickupVoucher) -> str:
    return global_id("PickupVoucher", voucher.id)


async def quote(client, token, customer, lines, coupons=()) -> dict:
    body = await gql(
        client,
        QUOTE,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": lines,
                "couponIds": [cid(c) if isinstance(c, Coupon) else c for c in coupons],
            }
        },
        token=token,
    )
    assert "errors" not in body, body
    return body["data"]["orderQuote"]


async def order_with(
    client, token, customer, lines, coupons=(), key="coupon-order-1", own=False
) -> dict:
    body = await gql(
        client,
        CREATE_OWN if own else CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "lines": lines,
                "couponIds": [cid(c) if isinstance(c, Coupon) else c for c in coupons],
                "idempotencyKey": key,
            }
        },
        token=token,
    )
    assert "errors" not in body, body
    return body["data"]["createOrder" if own else "createProxyOrder"]


async def reread(session, row: Any) -> Any:
    """The row as the database has it now."""
    model = type(row)
    return await session.scalar(
        select(model)
        .where(model.partner_id == row.partner_id, model.id == row.id)
        .execution_options(populate_existing=True)
    )


async def usages_of(session, coupon: Coupon) -> list[CouponUsage]:
    return list(
        await session.scalars(
            select(CouponUsage)
            .where(CouponUsage.partner_id == coupon.partner_id, CouponUsage.coupon_id == coupon.id)
            .order_by(CouponUsage.id)
        )
    )


async def share_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(OrderCoupon))


def errors(entries) -> list[tuple[str, list]]:
    return [(e["code"], e["field"]) for e in entries]
