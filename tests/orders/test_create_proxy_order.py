"""createProxyOrder: who may order, for whom, and every invalid line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import AuditEvent, IdempotencyKey, Order
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.partners.enums import CertificationStatus, Role
from app.services.funds import credit
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)
from tests.funds.helpers import acting_as
from tests.lifecycle.factories import make_authorization
from tests.orders.helpers import (
    CREATE_PROXY,
    create_proxy,
    make_world,
    new_line,
    resource_line,
    resources_of,
)


@pytest.fixture
async def world(session):
    return await make_world(session)


def errors_of(payload) -> list[tuple[str, list | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_create_writes_order_lines_and_audit(client, session, world):
    created = await create_proxy(
        client, world.admin, world.customer, [new_line(world.products["ecs"], count=2)]
    )
    assert created["userErrors"] == []
    order = created["order"]
    assert order["source"] == "PROXY"
    assert order["kind"] == "NEW"
    assert order["lines"][0]["amountDue"]["amount"] == "360.00"
    assert order["closeAt"] is not None
    assert (
        await session.scalar(select(func.count()).where(AuditEvent.action == "order.create")) == 1
    )


async def test_replay_returns_the_first_order(client, session, world):
    lines = [new_line(world.products["ecs"])]
    first = await create_proxy(client, world.sales, world.customer, lines, key="same")
    again = await create_proxy(client, world.sales, world.customer, lines, key="same")
    assert again["order"]["id"] == first["order"]["id"]
    assert await session.scalar(select(func.count()).select_from(Order)) == 1
    other = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["evs"])], key="same"
    )
    assert errors_of(other) == [("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])]


async def test_invalid_lines_are_each_reported_with_their_path(client, session, world):
    other_customer = await make_customer(session, world.partner)
    foreign = await make_resource(session, other_customer)
    lines = [
        new_line(world.products["ecs"], count=10),  # months 1-9
        new_line(world.products["ecs"], unit="YEAR", count=4),  # years 1-3
        new_line(world.products["ecs"], quantity=0),
        {"kind": "NEW", "productId": "nonsense"},
        new_line(world.products["ecs_east"]),  # another region than line 0
        {
            "kind": "NEW",
            "productId": global_id("Product", world.products["ecs_od"]),
            "period": {"unit": "MONTH", "count": 1},
        },  # on-demand has no period
        {"kind": "NEW", "productId": global_id("Product", world.products["evs"])},  # no period
    ]
    payload = await create_proxy(client, world.sales, world.customer, lines)
    assert payload["order"] is None
    assert errors_of(payload) == [
        ("INVALID_INPUT", ["input", "lines", "0", "period", "count"]),
        ("INVALID_INPUT", ["input", "lines", "1", "period", "count"]),
        ("INVALID_INPUT", ["input", "lines", "2", "quantity"]),
        ("NOT_FOUND", ["input", "lines", "3", "productId"]),
        ("INVALID_INPUT", ["input", "lines", "4", "productId"]),
        ("INVALID_INPUT", ["input", "lines", "5", "period"]),
        ("INVALID_INPUT", ["input", "lines", "6", "period"]),
    ]
    foreign_line = resource_line(
        "RENEW", global_id("Resource", foreign.id), period={"unit": "MONTH", "count": 1}
    )
    payload = await create_proxy(client, world.sales, world.customer, [foreign_line], key="k2")
    assert errors_of(payload) == [("NOT_FOUND", ["input", "lines", "0", "resourceId"])]
    assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_mixed_kinds_and_resource_rules(client, session, world):
    mine = await make_resource(session, world.customer, product_id=world.products["ecs"])
    on_demand = await make_resource(
        session,
        world.customer,
        product_id=world.products["ecs_od"],
        billing_mode="ON_DEMAND",
        expires_at=None,
    )
    gid = global_id("Resource", mine.id)
    mixed = [new_line(world.products["ecs"]), resource_line("UNSUBSCRIBE", gid)]
    payload = await create_proxy(client, world.sales, world.customer, mixed)
    assert errors_of(payload) == [("INVALID_INPUT", ["input", "lines", "1", "kind"])]
    bad = [
        resource_line("RENEW", gid),  # no period
        resource_line(
            "CHANGE_SPEC",
            global_id("Resource", on_demand.id),
            productId=global_id("Product", world.products["ecs_xl"]),
        ),
    ]
    payload = await create_proxy(client, world.sales, world.customer, bad[:1], key="k2")
    assert errors_of(payload) == [("INVALID_INPUT", ["input", "lines", "0", "period"])]
    payload = await create_proxy(client, world.sales, world.customer, bad[1:], key="k3")
    assert ("INVALID_INPUT", ["input", "lines", "0", "resourceId"]) in errors_of(payload)
    other_region = [
        resource_line(
            "CHANGE_SPEC", gid, productId=global_id("Product", world.products["ecs_east"])
        )
    ]
    payload = await create_proxy(client, world.sales, world.customer, other_region, key="k4")
    assert errors_of(payload) == [("INVALID_INPUT", ["input", "lines", "0", "productId"])]
    twice = [resource_line("UNSUBSCRIBE", gid), resource_line("UNSUBSCRIBE", gid)]
    payload = await create_proxy(client, world.sales, world.customer, twice, key="k5")
    assert errors_of(payload) == [("INVALID_INPUT", ["input", "lines", "1", "resourceId"])]
    payload = await create_proxy(client, world.sales, world.customer, [], key="k6")
    assert errors_of(payload) == [("INVALID_INPUT", ["input", "lines"])]


async def test_needs_an_active_proxy_order_authorization(client, session, world):
    customer = await make_customer(session, world.partner)
    await make_authorization(session, customer, proxy_order=False, operations=True)
    await make_authorization(session, customer, status=AuthorizationStatus.REVOKED)
    payload = await create_proxy(client, world.admin, customer, [new_line(world.products["ecs"])])
    assert errors_of(payload) == [("AUTHORIZATION_REQUIRED", ["input", "customerId"])]


async def test_referral_customer_is_refused(client, session, world):
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    payload = await create_proxy(client, world.admin, customer, [new_line(world.products["ecs"])])
    assert errors_of(payload) == [("REFERRAL_MODE", ["input", "customerId"])]


async def test_uncertified_partner_is_refused(client, session, world):
    world.partner.certification_status = CertificationStatus.EXPIRED
    await session.flush()
    payload = await create_proxy(
        client, world.admin, world.customer, [new_line(world.products["ecs"])]
    )
    assert errors_of(payload) == [("PARTNER_NOT_CERTIFIED", None)]


async def test_customer_in_arrears_is_refused(client, session, world):
    admin = acting_as(session, await make_user(session, world.partner))
    await credit.charge(admin, world.customer, Decimal("5.00"), reference="test")
    payload = await create_proxy(
        client, world.admin, world.customer, [new_line(world.products["ecs"])]
    )
    assert errors_of(payload) == [("ARREARS", ["input", "customerId"])]


async def test_ended_association_is_refused(client, session, world):
    world.customer.ended_at = clock.now() - timedelta(days=1)
    await session.flush()
    payload = await create_proxy(
        client, world.admin, world.customer, [new_line(world.products["ecs"])]
    )
    assert errors_of(payload) == [("ASSOCIATION_ENDED", ["input", "customerId"])]


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
async def test_roles_that_may_not_order(client, session, world, role):
    token = await token_for(session, await make_user(session, world.partner, role))
    body = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(world.products["ecs"])],
                "idempotencyKey": "k",
            }
        },
        token=token,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


async def test_sales_orders_only_for_managed_customers(client, session, world):
    unmanaged = await make_customer(session, world.partner)
    await make_authorization(session, unmanaged)
    payload = await create_proxy(client, world.sales, unmanaged, [new_line(world.products["ecs"])])
    assert errors_of(payload) == [("NOT_FOUND", ["input", "customerId"])]


async def test_another_partners_customer_is_not_found(client, session, world):
    other = await make_partner(session)
    stranger = await make_customer(session, other)
    await make_authorization(session, stranger)
    payload = await create_proxy(client, world.admin, stranger, [new_line(world.products["ecs"])])
    assert errors_of(payload) == [("NOT_FOUND", ["input", "customerId"])]


async def test_customer_token_cannot_proxy_order(client, session, world):
    token = await customer_token(session, world.customer)
    body = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(world.products["ecs"])],
                "idempotencyKey": "k",
            }
        },
        token=token,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_on_demand_order_completes_at_once(client, session, world):
    line = {"kind": "NEW", "productId": global_id("Product", world.products["ecs_od"])}
    created = await create_proxy(client, world.sales, world.customer, [line])
    assert created["userErrors"] == []
    assert created["order"]["status"] == "COMPLETED"
    (resource,) = await resources_of(session, world.customer)
    assert resource.expires_at is None and resource.billing_mode.value == "ON_DEMAND"


async def test_change_spec_needs_another_product_and_a_remaining_period(client, session, world):
    # given a running ECS and one whose period is over
    running = await make_resource(session, world.customer, product_id=world.products["ecs"])
    lapsed = await make_resource(
        session,
        world.customer,
        product_id=world.products["ecs"],
        expires_at=clock.now() - timedelta(days=1),
    )
    xl = global_id("Product", world.products["ecs_xl"])
    same = resource_line(
        "CHANGE_SPEC",
        global_id("Resource", running.id),
        productId=global_id("Product", world.products["ecs"]),
    )
    over = resource_line("CHANGE_SPEC", global_id("Resource", lapsed.id), productId=xl)

    # when
    to_same = await create_proxy(client, world.sales, world.customer, [same], key="same")
    after_end = await create_proxy(client, world.sales, world.customer, [over], key="over")

    # then
    assert errors_of(to_same) == [("INVALID_INPUT", ["input", "lines", "0", "productId"])]
    assert errors_of(after_end) == [("INVALID_STATE", ["input", "lines", "0", "resourceId"])]
    assert await session.scalar(select(func.count()).select_from(Order)) == 0
