"""issueCoupons: one coupon per customer from a quota; whole-call and per-item rules, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import AuditEvent, Coupon, CouponQuotaRecord, IdempotencyKey
from app.models.coupons.enums import CouponQuotaRecordKind
from tests.coupons.helpers import ISSUE, assert_books_balance, grant, issue_input
from tests.factories import global_id, gql, iso, make_customer, make_partner


def codes(errors):
    return [(e["code"], e["field"]) for e in errors]


async def coupon_count(session, partner_id):
    return await session.scalar(
        select(func.count()).select_from(Coupon).where(Coupon.partner_id == partner_id)
    )


async def test_cash_coupons_draw_their_face_value(client, session, world):
    # given
    customers = world.customers[:2]

    # when
    body = await gql(
        client,
        ISSUE,
        issue_input(
            world,
            customers,
            faceValue="120.00",
            serviceTypes=["ECS", "OBS"],
            minimumOrderAmount="500.00",
        ),
        token=world.tokens["FINANCE"],
    )

    # then
    payload = body["data"]["issueCoupons"]
    assert payload["userErrors"] == []
    assert [item["index"] for item in payload["items"]] == [0, 1]
    first = payload["items"][0]["coupon"]
    assert first["kind"] == "CASH" and first["status"] == "AVAILABLE"
    assert first["faceValue"] == first["value"] == first["balance"] == {"amount": "120.00"}
    assert first["rate"] is None and first["cap"] is None
    assert first["serviceTypes"] == ["ECS", "OBS"]
    assert first["minimumOrderAmount"] == {"amount": "500.00"}
    assert first["validFrom"] == iso(clock.now())
    assert [i["coupon"]["customer"]["id"] for i in payload["items"]] == [
        global_id("Customer", c.id) for c in customers
    ]
    issues = (
        await session.scalars(
            select(CouponQuotaRecord)
            .where(
                CouponQuotaRecord.partner_id == world.partner.id,
                CouponQuotaRecord.kind == CouponQuotaRecordKind.ISSUE,
            )
            .order_by(CouponQuotaRecord.id)
        )
    ).all()
    assert [(str(r.delta), str(r.remaining_after)) for r in issues] == [
        ("-120.00", "880.00"),
        ("-120.00", "760.00"),
    ]
    events = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "coupons.issue", AuditEvent.partner_id == world.partner.id)
    )
    assert events == 2
    await assert_books_balance(session)


async def test_a_discount_coupon_draws_its_cap(client, session, world):
    body = await gql(
        client,
        ISSUE,
        issue_input(world, kind="DISCOUNT", faceValue=None, rate="0.85", cap="200.00"),
        token=world.tokens["ADMIN"],
    )

    payload = body["data"]["issueCoupons"]
    assert payload["userErrors"] == []
    coupon = payload["items"][0]["coupon"]
    assert coupon["kind"] == "DISCOUNT"
    assert coupon["rate"] == "0.8500"
    assert coupon["cap"] == coupon["value"] == coupon["balance"] == {"amount": "200.00"}
    assert coupon["faceValue"] is None
    await session.refresh(world.quota)
    assert str(world.quota.remaining) == "800.00"
    await assert_books_balance(session)


async def test_each_customer_is_refused_on_its_own(client, session, world):
    # given a REFERRAL customer, a former one, another partner's, a malformed id and one
    # more coupon than the remainder covers
    stranger = await make_customer(session, await make_partner(session))
    customers = [
        world.customers[0],
        world.referral,
        world.former,
        stranger,
        world.customers[1],
        world.customers[2],
    ]
    variables = issue_input(world, customers, faceValue="400.00")
    variables["input"]["customerIds"].append("not-an-id")

    # when
    body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])

    # then the first and the fifth are issued, the rest refused in input order
    payload = body["data"]["issueCoupons"]
    items = payload["items"]
    assert [i["coupon"] is not None for i in items] == [
        True,
        False,
        False,
        False,
        True,
        False,
        False,
    ]
    expected = [
        ("REFERRAL_MODE", ["input", "customerIds", "1"]),
        ("ASSOCIATION_ENDED", ["input", "customerIds", "2"]),
        ("NOT_FOUND", ["input", "customerIds", "3"]),
        ("QUOTA_EXCEEDED", ["input", "customerIds", "5"]),
        ("NOT_FOUND", ["input", "customerIds", "6"]),
    ]
    assert codes(payload["userErrors"]) == expected
    assert [codes(i["userErrors"]) for i in items if i["userErrors"]] == [[e] for e in expected]
    await session.refresh(world.quota)
    assert str(world.quota.remaining) == "200.00"
    assert await coupon_count(session, stranger.partner_id) == 0
    await assert_books_balance(session)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"customerIds": []}, [("INVALID_INPUT", "customerIds")]),
        ({"faceValue": None}, [("INVALID_INPUT", "faceValue")]),
        ({"rate": "0.9"}, [("INVALID_INPUT", "rate")]),
        ({"cap": "10.00"}, [("INVALID_INPUT", "cap")]),
        ({"faceValue": "0"}, [("INVALID_INPUT", "faceValue")]),
        (
            {"kind": "DISCOUNT", "faceValue": "10.00", "rate": "0.9", "cap": "10.00"},
            [("INVALID_INPUT", "faceValue")],
        ),
        (
            {"kind": "DISCOUNT", "faceValue": None},
            [("INVALID_INPUT", "rate"), ("INVALID_INPUT", "cap")],
        ),
        (
            {"kind": "DISCOUNT", "faceValue": None, "rate": "1", "cap": "10.00"},
            [("INVALID_INPUT", "rate")],
        ),
        (
            {"kind": "DISCOUNT", "faceValue": None, "rate": "0", "cap": "10.00"},
            [("INVALID_INPUT", "rate")],
        ),
        (
            {"kind": "DISCOUNT", "faceValue": None, "rate": "0.12345", "cap": "10.00"},
            [("INVALID_INPUT", "rate")],
        ),
        (
            {"kind": "DISCOUNT", "faceValue": None, "rate": "0.8", "cap": "0"},
            [("INVALID_INPUT", "cap")],
        ),
        ({"serviceTypes": ["ECS", "ECS"]}, [("INVALID_INPUT", "serviceTypes")]),
        (
            {"serviceTypes": ["ECS"] * 11},
            [("INVALID_INPUT", "serviceTypes"), ("INVALID_INPUT", "serviceTypes")],
        ),
        ({"minimumOrderAmount": "-1.00"}, [("INVALID_INPUT", "minimumOrderAmount")]),
        ({"validTo": "2026-06-01T00:00:00Z"}, [("INVALID_INPUT", "validTo")]),
        (
            {"validFrom": "2026-07-01T00:00:00Z", "validTo": "2026-06-20T00:00:00Z"},
            [("INVALID_INPUT", "validTo")],
        ),
    ],
)
async def test_input_that_refuses_the_whole_call(client, session, world, fields, expected):
    body = await gql(client, ISSUE, issue_input(world, **fields), token=world.tokens["FINANCE"])

    payload = body["data"]["issueCoupons"]
    assert payload["items"] == []
    assert codes(payload["userErrors"]) == [(c, ["input", f]) for c, f in expected]
    assert await coupon_count(session, world.partner.id) == 0
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


async def test_too_many_customers_or_one_twice(client, session, world):
    many = issue_input(world)
    many["input"]["customerIds"] = [global_id("Customer", 10**6 + n) for n in range(101)]
    twice = issue_input(world, [world.customers[0], world.customers[0]])

    for variables in (many, twice):
        body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])
        errors = body["data"]["issueCoupons"]["userErrors"]
        assert codes(errors) == [("INVALID_INPUT", ["input", "customerIds"])]
    assert await coupon_count(session, world.partner.id) == 0


async def test_validity_must_lie_inside_the_quotas(client, session, world):
    early = issue_input(world, validFrom=iso(clock.now() - timedelta(days=1)))
    late = issue_input(world, validTo=iso(clock.now() + timedelta(days=91)), idempotencyKey="b")

    for variables, field in ((early, "validFrom"), (late, "validTo")):
        body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])
        payload = body["data"]["issueCoupons"]
        assert payload["items"] == []
        assert codes(payload["userErrors"]) == [("INVALID_INPUT", ["input", field])]
    assert await coupon_count(session, world.partner.id) == 0


async def test_a_later_quota_starts_its_coupons_with_it(client, session, world):
    # given a quota that starts in 10 days
    later = await grant(
        session, world.partner, "100.00", valid_from=clock.now() + timedelta(days=10)
    )
    variables = issue_input(world, validTo=iso(clock.now() + timedelta(days=20)))
    variables["input"]["quotaId"] = global_id("CouponQuota", later.id)

    # when validFrom is omitted
    body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])

    # then the coupon starts with its quota
    payload = body["data"]["issueCoupons"]
    assert payload["userErrors"] == []
    assert payload["items"][0]["coupon"]["validFrom"] == iso(later.valid_from)
    # and a validTo before the quota's start is refused
    variables["input"].update(validTo=iso(clock.now() + timedelta(days=5)), idempotencyKey="b")
    body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])
    assert codes(body["data"]["issueCoupons"]["userErrors"]) == [
        ("INVALID_INPUT", ["input", "validTo"])
    ]


async def test_an_expired_quota_issues_nothing(client, session, world, frozen_clock):
    # given a quota whose validity has passed (the job has not run)
    short = await grant(session, world.partner, "100.00", days=1)
    frozen_clock.advance(timedelta(days=2))
    variables = issue_input(world, validTo=iso(clock.now() + timedelta(hours=1)))
    variables["input"]["quotaId"] = global_id("CouponQuota", short.id)

    body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])

    payload = body["data"]["issueCoupons"]
    assert codes(payload["userErrors"]) == [("INVALID_STATE", ["input", "quotaId"])]
    assert await coupon_count(session, world.partner.id) == 0


async def test_another_partners_quota_is_not_found(client, session, world):
    other = await grant(session, await make_partner(session))
    variables = issue_input(world)
    variables["input"]["quotaId"] = global_id("CouponQuota", other.id)

    body = await gql(client, ISSUE, variables, token=world.tokens["FINANCE"])

    errors = body["data"]["issueCoupons"]["userErrors"]
    assert codes(errors) == [("NOT_FOUND", ["input", "quotaId"])]
    await session.refresh(other)
    assert str(other.remaining) == "1000.00"


async def test_a_retry_replays_the_first_outcome(client, session, world):
    token = world.tokens["FINANCE"]
    variables = issue_input(world, world.customers)

    first = await gql(client, ISSUE, variables, token=token)
    again = await gql(client, ISSUE, variables, token=token)

    assert again == first
    assert await coupon_count(session, world.partner.id) == 3
    reused = await gql(client, ISSUE, issue_input(world, faceValue="1.00"), token=token)
    assert codes(reused["data"]["issueCoupons"]["userErrors"]) == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "PLATFORM"])
async def test_only_finance_and_admin_issue(client, session, world, role):
    body = await gql(client, ISSUE, issue_input(world), token=world.tokens[role])

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await coupon_count(session, world.partner.id) == 0
