"""`CASES` entries of the orders and consumption mutations (see `mutation_cases`)."""

from __future__ import annotations

from typing import Any

from app.models.customers.enums import AssociationType
from tests.consumption.helpers import at, ingest
from tests.consumption.helpers import world as consumption_world
from tests.consumption.percentile_helpers import MAY_1, bandwidth, samples
from tests.core.mutation_cases import case, gid
from tests.factories import customer_token, gql, iso, make_customer, platform_token
from tests.funds.helpers import recharge
from tests.orders.helpers import CREATE_OWN, CREATE_PROXY, make_world, new_line


async def _created(client, document: str, field: str, token: str, customer, product) -> str:
    body = await gql(
        client,
        document,
        {
            "input": {
                "customerId": gid("Customer", customer),
                "lines": [new_line(product)],
                "idempotencyKey": f"setup-{field}",
            }
        },
        token=token,
    )
    payload = body["data"][field]
    assert payload["userErrors"] == [], payload
    return payload["order"]["id"]


async def _proxy_order(session, client) -> tuple[Any, str]:
    world = await make_world(session)
    order = await _created(
        client, CREATE_PROXY, "createProxyOrder", world.admin, world.customer,
        world.products["ecs"],
    )  # fmt: skip
    return world, order


async def _own_order(session, client, *, ask_partner: bool = False) -> tuple[Any, str, str]:
    world = await make_world(session)
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    token = await customer_token(session, customer)
    order = await _created(
        client, CREATE_OWN, "createOrder", token, customer, world.products["ecs"]
    )
    if ask_partner:
        asked = await gql(
            client,
            "mutation($input: OrderActionInput!) { requestPartnerPayment(input: $input) "
            "{ userErrors { code } } }",
            {"input": {"orderId": order, "idempotencyKey": "setup-ask"}},
            token=token,
        )
        assert asked["data"]["requestPartnerPayment"]["userErrors"] == [], asked
    else:
        await recharge(session, world.partner, "5000.00", customer=customer)
    return world, token, order


@case("createProxyOrder")
async def _create_proxy_order(session, client):
    world = await make_world(session)
    return world.admin, {
        "customerId": gid("Customer", world.customer),
        "lines": [new_line(world.products["ecs"])],
        "idempotencyKey": "audit-1",
    }


@case("createOrder")
async def _create_order(session, client):
    world = await make_world(session)
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    return await customer_token(session, customer), {
        "customerId": gid("Customer", customer),
        "lines": [new_line(world.products["ecs"])],
        "idempotencyKey": "audit-1",
    }


@case("payOrders")
async def _pay_orders(session, client):
    world, order = await _proxy_order(session, client)
    return world.finance, {"orderIds": [order], "idempotencyKey": "audit-1"}


@case("cancelOrder")
async def _cancel_order(session, client):
    world, order = await _proxy_order(session, client)
    return world.admin, {"orderId": order, "idempotencyKey": "audit-1"}


@case("rejectPartnerPayment")
async def _reject_partner_payment(session, client):
    world, _token, order = await _own_order(session, client, ask_partner=True)
    return world.finance, {"orderIds": [order], "reason": "over budget", "idempotencyKey": "a-1"}


@case("payOrder")
async def _pay_order(session, client):
    _world, token, order = await _own_order(session, client)
    return token, {"orderId": order, "idempotencyKey": "audit-1"}


@case("requestPartnerPayment")
async def _request_partner_payment(session, client):
    world = await make_world(session)
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    token = await customer_token(session, customer)
    order = await _created(
        client, CREATE_OWN, "createOrder", token, customer, world.products["ecs"]
    )
    return token, {"orderId": order, "idempotencyKey": "audit-1"}


# --- consumption --------------------------------------------------------------------------


@case("ingestUsage")
async def _ingest_usage(session, client):
    w = await consumption_world(session)
    start = at(MAY_1, 1)
    record = {
        "sourceId": "audit-usage-1",
        "resourceId": gid("Resource", w.resource),
        "serviceType": w.resource.service_type.value,
        "region": w.resource.region,
        "startAt": iso(start),
        "endAt": iso(at(MAY_1, 2)),
        "quantity": "1.5",
        "unit": "hour",
    }
    return await platform_token(session), {"records": [record]}


@case("closeBillCycle")
async def _close_bill_cycle(session, client):
    return await platform_token(session), {"cycle": "2026-05"}


@case("rateBandwidthPercentile")
async def _rate_bandwidth_percentile(session, client):
    w = await consumption_world(session)
    await ingest(session, samples(await bandwidth(session, w), MAY_1, [10] * 20))
    return await platform_token(session), {"cycle": "2026-05"}
