"""reclaimCoupons: a usable coupon's remaining balance back into its quota; every rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Coupon, CouponQuotaRecord
from app.models.coupons.enums import CouponQuotaRecordKind, CouponStatus
from app.models.partners.enums import Role
from tests.coupons.helpers import (
    RECLAIM,
    assert_books_balance,
    cash,
    discount,
    grant,
    hold_by_new_order,
    issue,
    use,
)
from tests.factories import global_id, gql, make_customer, make_partner, make_user


def reclaim_input(coupons, key="reclaim-1"):
    return {
        "input": {
            "couponIds": [c if isinstance(c, str) else global_id("Coupon", c.id) for c in coupons],
            "idempotencyKey": key,
        }
    }


def codes(errors):
    return [(e["code"], e["field"]) for e in errors]


async def last_record(session, coupon):
    return await session.scalar(
        select(CouponQuotaRecord)
        .where(
            CouponQuotaRecord.partner_id == coupon.partner_id,
            CouponQuotaRecord.coupon_id == coupon.id,
        )
        .order_by(CouponQuotaRecord.id.desc())
    )


async def test_the_remaining_balance_goes_back_to_the_quota(client, session, world):
    # given a cash coupon of 100 partly used, and an untouched discount coupon
    [partly] = await issue(session, world.finance, world.quota, world.customers[:1], cash())
    [untouched] = await issue(
        session, world.finance, world.quota, world.customers[1:2], discount(cap="50.00")
    )
    await use(session, partly, "30.00")

    # when
    body = await gql(
        client, RECLAIM, reclaim_input([partly, untouched]), token=world.tokens["FINANCE"]
    )

    # then
    payload = body["data"]["reclaimCoupons"]
    assert payload["userErrors"] == []
    reclaimed = [item["coupon"] for item in payload["items"]]
    assert [c["status"] for c in reclaimed] == ["RECLAIMED", "RECLAIMED"]
    assert [c["balance"] for c in reclaimed] == [{"amount": "0.00"}, {"amount": "0.00"}]
    record = await last_record(session, partly)
    assert record.kind is CouponQuotaRecordKind.RETURN and str(record.amount) == "70.00"
    await session.refresh(world.quota)
    assert str(world.quota.remaining) == "970.00"  # 1000 - 100 - 50 + 70 + 50
    assert (
        len(
            (
                await session.scalars(
                    select(AuditEvent).where(
                        AuditEvent.action == "coupons.reclaim",
                        AuditEvent.partner_id == world.partner.id,
                    )
                )
            ).all()
        )
        == 2
    )
    await assert_books_balance(session)


async def test_each_coupon_is_refused_on_its_own(client, session, world, frozen_clock):
    # given a held, a used, an already reclaimed, a lapsed and another partner's coupon
    coupons = await issue(session, world.finance, world.quota, world.customers, cash("10.00"))
    held, used, fine = coupons
    await hold_by_new_order(session, held, hours=24 * 5)
    await use(session, used, "10.00")
    [reclaimed] = await issue(session, world.finance, world.quota, world.customers[:1], cash())
    await gql(client, RECLAIM, reclaim_input([reclaimed], key="a"), token=world.tokens["ADMIN"])
    [lapsed] = await issue(
        session, world.finance, world.quota, world.customers[:1], cash("5.00", days=1)
    )
    other = await make_partner(session)
    [foreign] = await issue(
        session,
        await make_user(session, other, Role.FINANCE),
        await grant(session, other),
        [await make_customer(session, other)],
    )
    frozen_clock.advance(timedelta(days=2))

    # when
    body = await gql(
        client,
        RECLAIM,
        reclaim_input([held, used, reclaimed, lapsed, foreign, fine, "nope"]),
        token=world.tokens["FINANCE"],
    )

    # then
    payload = body["data"]["reclaimCoupons"]
    assert codes(payload["userErrors"]) == [
        ("COUPON_HELD", ["input", "couponIds", "0"]),
        ("INVALID_STATE", ["input", "couponIds", "1"]),
        ("INVALID_STATE", ["input", "couponIds", "2"]),
        ("INVALID_STATE", ["input", "couponIds", "3"]),
        ("NOT_FOUND", ["input", "couponIds", "4"]),
        ("NOT_FOUND", ["input", "couponIds", "6"]),
    ]
    assert [i["coupon"] is not None for i in payload["items"]] == [
        False,
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    await session.refresh(foreign)
    assert foreign.status is CouponStatus.AVAILABLE
    await assert_books_balance(session)


async def test_the_balance_is_lost_when_the_quota_expired_first(
    client, session, world, frozen_clock
):
    # given a coupon still valid, drawn from a quota whose validity has passed
    short = await grant(session, world.partner, "100.00", days=10)
    [coupon] = await issue(
        session, world.finance, short, world.customers[:1], cash("40.00", days=10)
    )
    await session.execute(
        Coupon.__table__.update()
        .where(Coupon.partner_id == coupon.partner_id, Coupon.id == coupon.id)
        .values(valid_to=coupon.valid_to + timedelta(days=30))
    )
    frozen_clock.advance(timedelta(days=11))

    # when
    body = await gql(client, RECLAIM, reclaim_input([coupon]), token=world.tokens["FINANCE"])

    # then it is RECLAIMED, and the quota's remainder did not grow
    payload = body["data"]["reclaimCoupons"]
    assert payload["userErrors"] == []
    assert payload["items"][0]["coupon"]["status"] == "RECLAIMED"
    record = await last_record(session, coupon)
    assert record.kind is CouponQuotaRecordKind.COUPON_LOST
    assert (str(record.amount), str(record.delta)) == ("40.00", "0.00")
    await session.refresh(short)
    assert str(short.remaining) == "60.00"
    await assert_books_balance(session)


@pytest.mark.parametrize("count", [0, 101])
async def test_batch_size(client, session, world, count):
    ids = [global_id("Coupon", 10**6 + n) for n in range(count)]

    body = await gql(client, RECLAIM, reclaim_input(ids), token=world.tokens["FINANCE"])

    assert codes(body["data"]["reclaimCoupons"]["userErrors"]) == [
        ("INVALID_INPUT", ["input", "couponIds"])
    ]


async def test_a_coupon_twice(client, session, world):
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1])

    body = await gql(
        client, RECLAIM, reclaim_input([coupon, coupon]), token=world.tokens["FINANCE"]
    )

    assert codes(body["data"]["reclaimCoupons"]["userErrors"]) == [
        ("INVALID_INPUT", ["input", "couponIds"])
    ]
    await session.refresh(coupon)
    assert coupon.status is CouponStatus.AVAILABLE


async def test_a_retry_replays(client, session, world):
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1])
    token = world.tokens["FINANCE"]

    first = await gql(client, RECLAIM, reclaim_input([coupon]), token=token)
    again = await gql(client, RECLAIM, reclaim_input([coupon]), token=token)

    assert again == first and first["data"]["reclaimCoupons"]["userErrors"] == []
    await session.refresh(world.quota)
    assert str(world.quota.remaining) == "1000.00"


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "PLATFORM"])
async def test_only_finance_and_admin_reclaim(client, session, world, role):
    [coupon] = await issue(session, world.finance, world.quota, world.customers[:1])

    body = await gql(client, RECLAIM, reclaim_input([coupon]), token=world.tokens[role])

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
