"""reclaimCouponQuota: the platform takes unused quota back; every rule, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, CouponQuotaRecord
from app.models.coupons.enums import CouponQuotaRecordKind
from tests.coupons.helpers import RECLAIM_QUOTA, assert_books_balance, cash, issue
from tests.factories import global_id, gql


def reclaim_input(quota, amount=None, key="reclaim-1"):
    values = {"quotaId": global_id("CouponQuota", quota.id), "idempotencyKey": key}
    if amount is not None:
        values["amount"] = amount
    return {"input": values}


async def records(session, quota):
    return (
        await session.scalars(
            select(CouponQuotaRecord)
            .where(
                CouponQuotaRecord.partner_id == quota.partner_id,
                CouponQuotaRecord.quota_id == quota.id,
            )
            .order_by(CouponQuotaRecord.id)
        )
    ).all()


async def test_the_whole_remainder_by_default(client, session, world):
    # given 300 of the 1000 issued
    await issue(session, world.finance, world.quota, world.customers, cash("100.00"))

    # when
    body = await gql(
        client, RECLAIM_QUOTA, reclaim_input(world.quota), token=world.tokens["PLATFORM"]
    )

    # then
    payload = body["data"]["reclaimCouponQuota"]
    assert payload["userErrors"] == []
    assert payload["quota"]["remaining"] == {"amount": "0.00"}
    last = (await records(session, world.quota))[-1]
    assert last.kind is CouponQuotaRecordKind.PLATFORM_RECLAIM
    assert (str(last.amount), str(last.delta), str(last.remaining_after)) == (
        "700.00",
        "-700.00",
        "0.00",
    )
    assert await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "coupons.quota_reclaim",
            AuditEvent.partner_id == world.partner.id,
        )
    )
    await assert_books_balance(session)


async def test_part_of_the_remainder(client, session, world):
    body = await gql(
        client,
        RECLAIM_QUOTA,
        reclaim_input(world.quota, "250.50"),
        token=world.tokens["PLATFORM"],
    )

    assert body["data"]["reclaimCouponQuota"]["quota"]["remaining"] == {"amount": "749.50"}
    await assert_books_balance(session)


@pytest.mark.parametrize(
    "amount, code, field",
    [
        ("0", "INVALID_INPUT", "amount"),
        ("-1.00", "INVALID_INPUT", "amount"),
        ("1000.01", "QUOTA_EXCEEDED", "amount"),
    ],
)
async def test_bad_amounts(client, session, world, amount, code, field):
    body = await gql(
        client, RECLAIM_QUOTA, reclaim_input(world.quota, amount), token=world.tokens["PLATFORM"]
    )

    payload = body["data"]["reclaimCouponQuota"]
    assert payload["quota"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])]
    assert len(await records(session, world.quota)) == 1  # the grant only


async def test_an_expired_quota_cannot_be_reclaimed(client, session, world, frozen_clock):
    frozen_clock.advance(timedelta(days=91))

    body = await gql(
        client, RECLAIM_QUOTA, reclaim_input(world.quota), token=world.tokens["PLATFORM"]
    )

    errors = body["data"]["reclaimCouponQuota"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_STATE", ["input", "quotaId"])]


async def test_an_empty_quota_has_nothing_to_reclaim(client, session, world):
    token = world.tokens["PLATFORM"]
    await gql(client, RECLAIM_QUOTA, reclaim_input(world.quota, key="a"), token=token)

    body = await gql(client, RECLAIM_QUOTA, reclaim_input(world.quota, key="b"), token=token)

    errors = body["data"]["reclaimCouponQuota"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_STATE", ["input", "quotaId"])]


async def test_an_unknown_quota_is_not_found(client, world):
    body = await gql(
        client,
        RECLAIM_QUOTA,
        {"input": {"quotaId": global_id("CouponQuota", 10**9), "idempotencyKey": "x"}},
        token=world.tokens["PLATFORM"],
    )

    errors = body["data"]["reclaimCouponQuota"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["input", "quotaId"])]


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "SALES", "VIEWER"])
async def test_partner_users_may_not_reclaim_quota(client, world, role):
    body = await gql(client, RECLAIM_QUOTA, reclaim_input(world.quota), token=world.tokens[role])

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
