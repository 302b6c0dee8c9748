"""A confirmed disassociation reclaims every usable coupon the partner issued to the
customer, in the same transaction (holds released first)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Coupon, CouponQuotaRecord
from app.models.coupons.enums import CouponQuotaRecordKind, CouponStatus
from tests.coupons.helpers import (
    assert_books_balance,
    cash,
    discount,
    hold_by_new_order,
    issue,
    use,
)
from tests.factories import customer_token, global_id, gql

DISASSOCIATE = """
mutation($id: ID!) {
  requestDisassociation(input: {customerId: $id, reason: "moving on"}) {
    request { id }
    userErrors { code message }
  }
}
"""
CONFIRM = """
mutation($id: ID!) {
  confirmAssociationChange(input: {id: $id}) {
    request { status customer { endedAt } }
    userErrors { code message }
  }
}
"""


async def disassociate(client, session, world, customer) -> dict:
    started = await gql(
        client,
        DISASSOCIATE,
        {"id": global_id("Customer", customer.id)},
        token=world.tokens["ADMIN"],
    )
    request = started["data"]["requestDisassociation"]
    assert request["userErrors"] == [], request
    body = await gql(
        client,
        CONFIRM,
        {"id": request["request"]["id"]},
        token=await customer_token(session, customer),
    )
    return body["data"]["confirmAssociationChange"]


async def statuses(session, customer):
    rows = await session.execute(
        select(Coupon.id, Coupon.status, Coupon.balance, Coupon.held_by_order_id)
        .where(Coupon.partner_id == customer.partner_id, Coupon.customer_id == customer.id)
        .order_by(Coupon.id)
    )
    return [(r.status, str(r.balance), r.held_by_order_id) for r in rows]


async def test_leaving_reclaims_every_usable_coupon(client, session, world, frozen_clock):
    # given the leaving customer's coupons: untouched, partly used, held, used up, lapsed;
    # and another customer's
    leaving, staying = world.customers[0], world.customers[1]
    coupons = []
    for terms in (cash("50.00"), discount(cap="40.00"), cash("30.00"), cash("20.00")):
        coupons += await issue(session, world.finance, world.quota, [leaving], terms)
    _untouched, partly, held, used_up = coupons
    await use(session, partly, "15.00")
    await hold_by_new_order(session, held)
    await use(session, used_up, "20.00")
    await issue(session, world.finance, world.quota, [leaving], cash("10.00", days=1))
    await issue(session, world.finance, world.quota, [staying], cash("60.00"))
    frozen_clock.advance(timedelta(days=2))

    # when
    payload = await disassociate(client, session, world, leaving)

    # then
    assert payload["userErrors"] == []
    assert payload["request"]["customer"]["endedAt"] is not None
    assert await statuses(session, leaving) == [
        (CouponStatus.RECLAIMED, "0.00", None),
        (CouponStatus.RECLAIMED, "0.00", None),
        (CouponStatus.RECLAIMED, "0.00", None),
        (CouponStatus.USED, "0.00", None),
        (CouponStatus.AVAILABLE, "10.00", None),  # lapsed: the expiry job settles it
    ]
    returns = await session.scalars(
        select(CouponQuotaRecord.amount)
        .where(
            CouponQuotaRecord.partner_id == world.partner.id,
            CouponQuotaRecord.kind == CouponQuotaRecordKind.RETURN,
        )
        .order_by(CouponQuotaRecord.id)
    )
    assert [str(a) for a in returns] == ["50.00", "25.00", "30.00"]
    assert await statuses(session, staying) == [(CouponStatus.AVAILABLE, "60.00", None)]
    await assert_books_balance(session)


async def test_a_customer_without_coupons_leaves_as_before(client, session, world):
    payload = await disassociate(client, session, world, world.customers[2])

    assert payload["userErrors"] == []
    assert await statuses(session, world.customers[2]) == []


SWITCH = """
mutation($id: ID!) {
  requestAssociationTypeSwitch(input: {customerId: $id, associationType: REFERRAL}) {
    request { id }
    userErrors { code message }
  }
}
"""
SWITCHED = """
mutation($id: ID!) {
  confirmAssociationChange(input: {id: $id}) {
    request { status customer { associationType } }
    userErrors { code message }
  }
}
"""


async def test_switching_to_referral_reclaims_the_coupons(client, session, world):
    # given a RESELLER customer with an untouched and a partly used coupon
    customer = world.customers[0]
    await issue(session, world.finance, world.quota, [customer], cash("50.00"))
    (partly,) = await issue(session, world.finance, world.quota, [customer], cash("30.00"))
    await use(session, partly, "10.00")

    # when it switches to REFERRAL (the partner asks, the customer confirms)
    started = await gql(
        client, SWITCH, {"id": global_id("Customer", customer.id)}, token=world.tokens["ADMIN"]
    )
    request = started["data"]["requestAssociationTypeSwitch"]
    assert request["userErrors"] == [], request
    body = await gql(
        client,
        SWITCHED,
        {"id": request["request"]["id"]},
        token=await customer_token(session, customer),
    )
    payload = body["data"]["confirmAssociationChange"]

    # then both coupons are reclaimed into the quota and the books balance
    assert payload["userErrors"] == [], payload
    assert payload["request"]["customer"]["associationType"] == "REFERRAL"
    assert await statuses(session, customer) == [
        (CouponStatus.RECLAIMED, "0.00", None),
        (CouponStatus.RECLAIMED, "0.00", None),
    ]
    await assert_books_balance(session)
