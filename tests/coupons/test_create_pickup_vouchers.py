"""createPickupVouchers: the platform creates one pickup voucher per RESELLER customer, each
customer on its own; every rule is a userError and a refused call creates nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import AuditEvent, PickupVoucher, Product
from app.models.orders.enums import PeriodUnit
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainErrors, PermissionDenied
from app.services.core.principal import Principal
from app.services.coupons.pickup_vouchers import VoucherInput, create_pickup_vouchers
from tests.coupons.pickup_voucher_helpers import CREATE, create, make_world, voucher_input
from tests.factories import global_id, gql, iso, make_customer, make_partner


@pytest.fixture
async def world(session):
    return await make_world(session)


async def voucher_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(PickupVoucher))


async def test_the_platform_creates_a_voucher_per_customer(client, session, world):
    # given two RESELLER customers of the partner
    values = voucher_input(world, world.customer, world.other)

    # when the platform creates vouchers for them
    payload = await create(client, world.platform, values)

    # then each got one, AVAILABLE, for the product and period, valid from now
    assert payload["userErrors"] == []
    items = payload["items"]
    assert [i["index"] for i in items] == [0, 1]
    assert [i["userErrors"] for i in items] == [[], []]
    first = items[0]["pickupVoucher"]
    assert first["status"] == "AVAILABLE"
    assert first["period"] == {"unit": "MONTH", "count": 3}
    assert first["customer"]["id"] == global_id("Customer", world.customer.id)
    assert first["product"]["code"] == "ecs.s6-large-2.cn-north-4.ym"
    assert first["validFrom"] == iso(clock.now())
    assert first["validTo"] == values["validTo"]
    assert first["remark"] == "年度促销"
    assert first["heldByOrder"] is None and first["redeemedOrder"] is None
    assert first["redeemedAt"] is None
    assert items[1]["pickupVoucher"]["customer"]["id"] == global_id("Customer", world.other.id)
    assert [v["id"] for v in payload["pickupVouchers"]] == [i["pickupVoucher"]["id"] for i in items]
    rows = (await session.scalars(select(PickupVoucher).order_by(PickupVoucher.id))).all()
    assert [(r.partner_id, r.customer_id) for r in rows] == [
        (world.partner.id, world.customer.id),
        (world.partner.id, world.other.id),
    ]


async def test_each_voucher_is_audited(client, session, world):
    # given
    values = voucher_input(world, world.customer, world.other)

    # when
    await create(client, world.platform, values)

    # then one event per voucher, the partner's, with what it is for
    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "pickup_voucher.create")
        )
    ).all()
    assert len(events) == 2
    assert {e.partner_id for e in events} == {world.partner.id}
    assert events[0].after["product_id"] == world.products["ecs"]
    assert events[0].after["period"] == "3 MONTH"


async def test_an_explicit_validity_start(client, world):
    # given a start in a week
    start = clock.now() + timedelta(days=7)
    values = voucher_input(world, validFrom=iso(start), validTo=iso(start + timedelta(days=30)))

    # when
    payload = await create(client, world.platform, values)

    # then
    assert payload["items"][0]["pickupVoucher"]["validFrom"] == iso(start)


async def test_yearly_periods_up_to_three_years(client, world):
    # given
    values = voucher_input(world, period={"unit": "YEAR", "count": 3})

    # when
    payload = await create(client, world.platform, values)

    # then
    assert payload["items"][0]["pickupVoucher"]["period"] == {"unit": "YEAR", "count": 3}


async def test_each_customer_is_refused_on_its_own(client, session, world):
    # given a good customer between a REFERRAL one, a former one, another partner's and a
    # repeated one
    stranger = await make_customer(session, await make_partner(session))
    values = voucher_input(
        world,
        world.referral,
        world.customer,
        world.former,
        stranger,
        world.customer,
    )

    # when
    payload = await create(client, world.platform, values)

    # then only the good one got a voucher, each refusal at its own index
    items = payload["items"]
    assert [i["pickupVoucher"] is not None for i in items] == [False, True, False, False, False]
    codes = [[(e["code"], e["field"]) for e in i["userErrors"]] for i in items]
    assert codes == [
        [("REFERRAL_MODE", ["input", "customerIds", "0"])],
        [],
        [("ASSOCIATION_ENDED", ["input", "customerIds", "2"])],
        [("NOT_FOUND", ["input", "customerIds", "3"])],
        [("INVALID_INPUT", ["input", "customerIds", "4"])],
    ]
    assert [e["field"][2] for e in payload["userErrors"]] == ["0", "2", "3", "4"]
    assert await voucher_count(session) == 1


async def test_a_malformed_customer_id_is_not_found(client, session, world):
    # given an id of another type
    values = voucher_input(world)
    values["customerIds"] = [global_id("Order", world.customer.id)]

    # when
    payload = await create(client, world.platform, values)

    # then
    assert payload["items"][0]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await voucher_count(session) == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"customerIds": []}, "INVALID_INPUT", ["input", "customerIds"]),
        ({"period": {"unit": "MONTH", "count": 10}}, "INVALID_INPUT", ["input", "period", "count"]),
        ({"period": {"unit": "MONTH", "count": 0}}, "INVALID_INPUT", ["input", "period", "count"]),
        ({"period": {"unit": "YEAR", "count": 4}}, "INVALID_INPUT", ["input", "period", "count"]),
        ({"remark": "x" * 501}, "INVALID_INPUT", ["input", "remark"]),
        ({"idempotencyKey": " "}, "INVALID_INPUT", ["input", "idempotencyKey"]),
        ({"partnerId": "UGFydG5lcjo5OTk5OTk5"}, "NOT_FOUND", ["input", "partnerId"]),
        ({"productId": "UHJvZHVjdDo5OTk5OTk5"}, "NOT_FOUND", ["input", "productId"]),
    ],
)
async def test_bad_input_is_refused(client, session, world, change, code, field):
    # given
    values = {**voucher_input(world), **change}

    # when
    payload = await create(client, world.platform, values)

    # then the whole call is refused and nothing is created
    assert payload["items"] == []
    assert (payload["userErrors"][0]["code"], payload["userErrors"][0]["field"]) == (code, field)
    assert await voucher_count(session) == 0


async def test_a_remark_with_a_nul_is_refused_before_execution(client, session, world):
    # given
    values = voucher_input(world, remark="bad\u0000")

    # when
    body = await gql(client, CREATE, {"input": values}, token=world.platform)

    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await voucher_count(session) == 0


async def test_more_than_100_customers_are_refused(client, session, world):
    # given
    values = voucher_input(world)
    values["customerIds"] = values["customerIds"] * 101

    # when
    payload = await create(client, world.platform, values)

    # then
    assert payload["userErrors"][0]["field"] == ["input", "customerIds"]
    assert "1 to 100" in payload["userErrors"][0]["message"]
    assert await voucher_count(session) == 0


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "message"),
    [
        (None, -1, "in the future"),
        (10, 5, "after `validFrom`"),
        (None, 0, "in the future"),
        (None, 3 * 366 + 1, "at most three years"),
        (-10, 3 * 366 - 5, "at most three years"),
    ],
)
async def test_the_validity_must_be_sane(client, session, world, valid_from, valid_to, message):
    # given a window in days from now
    now = clock.now()
    values = voucher_input(world, validTo=iso(now + timedelta(days=valid_to)))
    if valid_from is not None:
        values["validFrom"] = iso(now + timedelta(days=valid_from))

    # when
    payload = await create(client, world.platform, values)

    # then
    error = payload["userErrors"][0]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "validTo"])
    assert message in error["message"]
    assert await voucher_count(session) == 0


async def test_every_malformed_field_at_once(client, world):
    # given
    values = voucher_input(
        world, period={"unit": "YEAR", "count": 9}, remark="x" * 600, validTo=iso(clock.now())
    )

    # when
    payload = await create(client, world.platform, values)

    # then
    assert [e["field"] for e in payload["userErrors"]] == [
        ["input", "period", "count"],
        ["input", "validTo"],
        ["input", "remark"],
    ]


async def test_an_on_demand_product_is_refused(client, session, world):
    # given
    values = voucher_input(world, productId=global_id("Product", world.products["ecs_od"]))

    # when
    payload = await create(client, world.platform, values)

    # then
    error = payload["userErrors"][0]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "productId"])
    assert "yearly/monthly" in error["message"]
    assert await voucher_count(session) == 0


async def test_an_inactive_product_is_refused(client, session, world):
    # given a product no longer sold
    product = await session.get(Product, world.products["evs"])
    product.active = False
    await session.flush()
    values = voucher_input(world, productId=global_id("Product", product.id))

    # when
    payload = await create(client, world.platform, values)

    # then
    error = payload["userErrors"][0]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "productId"])
    assert await voucher_count(session) == 0


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "SALES", "VIEWER"])
async def test_partner_users_may_not_create_vouchers(client, session, world, role):
    # given
    values = voucher_input(world)

    # when a partner user tries
    body = await gql(client, CREATE, {"input": values}, token=world.tokens[role])

    # then it is forbidden and nothing is created
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await voucher_count(session) == 0


async def test_a_retry_replays_the_first_outcome(client, session, world):
    # given a call that created one voucher and refused a REFERRAL customer
    values = voucher_input(world, world.customer, world.referral)
    first = await create(client, world.platform, values)

    # when the same call is sent again
    again = await create(client, world.platform, values)

    # then the same answer, and no second voucher
    assert again == first
    assert await voucher_count(session) == 1


async def test_the_same_key_with_another_input_is_refused(client, session, world):
    # given
    await create(client, world.platform, voucher_input(world))

    # when the key comes back for another customer
    payload = await create(client, world.platform, voucher_input(world, world.other))

    # then
    assert payload["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await voucher_count(session) == 1


async def test_a_refused_input_stores_no_key(client, session, world):
    # given a call refused for its product
    bad = voucher_input(world, productId=global_id("Product", world.products["ecs_od"]))
    assert (await create(client, world.platform, bad))["userErrors"]

    # when it is corrected with the same key
    payload = await create(client, world.platform, voucher_input(world))

    # then it runs
    assert payload["userErrors"] == []
    assert await voucher_count(session) == 1


def _service_input(world, **fields) -> VoucherInput:
    values = {
        "partner_id": world.partner.id,
        "customer_ids": (world.customer.id,),
        "product_id": world.products["ecs"],
        "period_unit": PeriodUnit.YEAR,
        "period_count": 1,
        "valid_to": clock.now() + timedelta(days=30),
    }
    values.update(fields)
    return VoucherInput(**values)


async def test_the_service_called_plainly_checks_the_same_rules(session, world):
    # given the platform's context, as the CLI or a job has it
    ctx = ServiceContext(session, Principal.system(), request_id="test")

    # when a remark the input layer would refuse reaches the service
    with pytest.raises(DomainErrors) as refused:
        await create_pickup_vouchers(ctx, _service_input(world, remark="bad\u0000"))

    # then it is refused there too; a good input creates the voucher
    assert [e.field for e in refused.value.errors] == [["remark"]]
    result = await create_pickup_vouchers(ctx, _service_input(world))
    assert [item.errors for item in result.items] == [[]]
    assert await voucher_count(session) == 1


async def test_the_service_refuses_a_partner_user(session, world):
    # given a partner ADMIN's context
    principal = Principal(
        kind=PrincipalKind.PARTNER_USER, partner_id=world.partner.id, user_id=1, role=Role.ADMIN
    )
    ctx = ServiceContext(session, principal, request_id="test")

    # when / then
    with pytest.raises(PermissionDenied):
        await create_pickup_vouchers(ctx, _service_input(world))
