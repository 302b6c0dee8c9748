"""grantCouponQuota: the platform grants a partner a coupon quota; every rule, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import AuditEvent, CouponQuota, CouponQuotaRecord, IdempotencyKey
from app.models.coupons.enums import CouponQuotaRecordKind
from tests.coupons.helpers import GRANT, assert_books_balance
from tests.factories import global_id, gql, iso, make_partner


@pytest.fixture
def later():
    return iso(clock.now() + timedelta(days=90))


def grant_input(partner, valid_to, **fields):
    values = {
        "partnerId": global_id("Partner", partner.id),
        "amount": "5000.00",
        "validTo": valid_to,
        "remark": "Q3 program",
        "idempotencyKey": "grant-1",
    }
    values.update(fields)
    return {"input": values}


async def test_the_platform_grants_a_quota_with_its_grant_record(client, session, world, later):
    # given
    partner = await make_partner(session)

    # when
    body = await gql(client, GRANT, grant_input(partner, later), token=world.tokens["PLATFORM"])

    # then
    payload = body["data"]["grantCouponQuota"]
    assert payload["userErrors"] == []
    quota = payload["quota"]
    assert quota["status"] == "ACTIVE"
    assert quota["amount"] == quota["remaining"] == {"amount": "5000.00"}
    assert quota["validFrom"] == iso(clock.now())
    assert quota["validTo"] == later
    assert quota["remark"] == "Q3 program"
    assert quota["partner"] == {"id": global_id("Partner", partner.id)}
    [record] = (
        await session.scalars(
            select(CouponQuotaRecord).where(CouponQuotaRecord.partner_id == partner.id)
        )
    ).all()
    assert record.kind is CouponQuotaRecordKind.GRANT
    assert (str(record.amount), str(record.delta), str(record.remaining_after)) == (
        "5000.00",
        "5000.00",
        "5000.00",
    )
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "coupons.quota_grant", AuditEvent.partner_id == partner.id
        )
    )
    assert event is not None and event.object_type == "CouponQuota"
    await assert_books_balance(session)


async def test_a_retry_with_the_same_key_replays(client, session, world, later):
    partner = await make_partner(session)
    token = world.tokens["PLATFORM"]

    first = await gql(client, GRANT, grant_input(partner, later), token=token)
    again = await gql(client, GRANT, grant_input(partner, later), token=token)
    other = await gql(client, GRANT, grant_input(partner, later, amount="1.00"), token=token)

    assert again == first
    assert [e["code"] for e in other["data"]["grantCouponQuota"]["userErrors"]] == [
        "IDEMPOTENCY_KEY_REUSED"
    ]
    count = select(func.count()).select_from(CouponQuota)
    assert await session.scalar(count.where(CouponQuota.partner_id == partner.id)) == 1


@pytest.mark.parametrize(
    "fields, code, field",
    [
        ({"amount": "0"}, "INVALID_INPUT", "amount"),
        ({"amount": "-5.00"}, "INVALID_INPUT", "amount"),
        ({"amount": "100000000000.00"}, "AMOUNT_LIMITED", "amount"),
        ({"validTo": "2026-06-01T00:00:00Z"}, "INVALID_INPUT", "validTo"),
        (
            {"validFrom": "2026-08-01T00:00:00Z", "validTo": "2026-07-01T00:00:00Z"},
            "INVALID_INPUT",
            "validTo",
        ),
        ({"remark": "x" * 501}, "INVALID_INPUT", "remark"),
        ({"idempotencyKey": " "}, "INVALID_INPUT", "idempotencyKey"),
    ],
)
async def test_bad_input_is_refused_and_stores_nothing(
    client, session, world, later, fields, code, field
):
    partner = await make_partner(session)

    body = await gql(
        client, GRANT, grant_input(partner, later, **fields), token=world.tokens["PLATFORM"]
    )

    payload = body["data"]["grantCouponQuota"]
    assert payload["quota"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])]
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert (
        await session.scalar(
            select(func.count())
            .select_from(CouponQuota)
            .where(CouponQuota.partner_id == partner.id)
        )
        == 0
    )


async def test_an_unknown_partner_is_not_found(client, world, later):
    body = await gql(
        client,
        GRANT,
        {
            "input": {
                **grant_input(world.partner, later)["input"],
                "partnerId": global_id("Partner", 10**9),
            }
        },
        token=world.tokens["PLATFORM"],
    )

    errors = body["data"]["grantCouponQuota"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["input", "partnerId"])]


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "SALES", "VIEWER"])
async def test_partner_users_may_not_grant(client, world, later, role):
    body = await gql(client, GRANT, grant_input(world.partner, later), token=world.tokens[role])

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
