"""`invoiceableAmount`: what a partner may invoice per bill cycle, each money movement counted
once (paid, refunded, REFERRAL-period money apart), less what invoices cover (requested,
invoiced; returned shown for information); the window's sums and the requestable total; who
may read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind
from app.models.lifecycle.enums import AssociationChangeKind, AssociationChangeStatus
from app.models.partners.enums import Role
from app.services.funds import adjustments, credit
from app.services.invoices import transitions
from tests.consumption.helpers import make_product, on_demand_resource
from tests.factories import customer_token, global_id, gql, make_customer, make_user
from tests.funds.helpers import acting_as, platform, recharge
from tests.invoices.helpers import forbidden, make_profile
from tests.invoices.money import (
    INVOICEABLE,
    Spender,
    consume,
    issue,
    referral_customer,
    request,
    spender,
)
from tests.lifecycle.factories import make_change_request
from tests.orders.helpers import (
    PAY_OWN,
    REQUEST,
    act,
    create_own,
    create_proxy,
    new_line,
    pay,
    resource_line,
    resources_of,
)
from tests.orders.helpers import make_world as orders_world

PARTS = ("paid", "refunded", "referral", "requested", "invoiced", "returned", "invoiceable")
SUMS = (*PARTS, "requestable", "invoicedNotReturned")


async def read(client, token, **variables):
    body = await gql(client, INVOICEABLE, variables, token=token)
    assert "errors" not in body, body
    return body["data"]["invoiceableAmount"]


def cycles(result) -> dict[str, dict[str, str]]:
    """{cycle: {part: amount}}, leaving out the parts that are 0.00."""
    return {
        c["cycle"]: {p: c[p]["amount"] for p in PARTS if c[p]["amount"] != "0.00"}
        for c in result["cycles"]
    }


def sums(result) -> dict[str, str]:
    """The window's sums and the totals, leaving out those that are 0.00."""
    return {s: result[s]["amount"] for s in SUMS if result[s]["amount"] != "0.00"}


def bad_input(body) -> str:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    return error["message"]


# --- the parts ------------------------------------------------------------------------------


async def test_consumption_is_paid_in_the_cycle_it_pays_for(client, session, world):
    # given a RESELLER customer that consumed its allocated cash in three cycles
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, who, "12.34", date(2026, 4, 30))
    await consume(session, who, "20.00", date(2026, 5, 1))
    await consume(session, who, "0.66", date(2026, 5, 31))
    await consume(session, who, "1.11", date(2026, 6, 14))

    # when
    result = await read(client, world.tokens["FINANCE"])

    # then each is paid in its own cycle, oldest first
    assert cycles(result) == {
        "2026-04": {"paid": "12.34", "invoiceable": "12.34"},
        "2026-05": {"paid": "20.66", "invoiceable": "20.66"},
        "2026-06": {"paid": "1.11", "invoiceable": "1.11"},
    }
    assert sums(result) == {"paid": "34.11", "invoiceable": "34.11", "requestable": "34.11"}
    # (the allocation, and the cash not consumed, are no invoiceable money)


async def test_what_invoices_cover_by_state(client, session, world):
    # given 100.00 consumed in April, 50.00 in May and 30.00 in June
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    for amount, month in (("100.00", 4), ("50.00", 5), ("30.00", 6)):
        await consume(session, who, amount, date(2026, month, 3))
    finance = world.users[Role.FINANCE]
    ctx, vendor = acting_as(session, finance), platform(session)
    profile = await make_profile(session, world.users[Role.ADMIN])
    today = date(2026, 6, 15)
    # April issued; 20.00 of May requested; 10.00 of May issued and asked back; 5.00 of May
    # returned; a cancelled and a rejected request
    issued = await request(session, finance, profile.id, cycles=["2026-04"])
    await issue(session, issued, "04400001", today)
    await request(session, finance, profile.id, amount="20.00")
    asked_back = await request(session, finance, profile.id, amount="10.00")
    await issue(session, asked_back, "04400002", today)
    await transitions.request_invoice_return(ctx, asked_back, "抬头有误")
    returned = await request(session, finance, profile.id, amount="5.00")
    await issue(session, returned, "04400003", today)
    await transitions.request_invoice_return(ctx, returned, "抬头有误")
    await transitions.confirm_invoice_return(vendor, returned)
    cancelled = await request(session, finance, profile.id, amount="7.00")
    await transitions.cancel_invoice_request(ctx, cancelled)
    rejected = await request(session, finance, profile.id, amount="8.00")
    await transitions.reject_invoice(vendor, rejected, "不符")

    # when
    result = await read(client, world.tokens["VIEWER"])

    # then requested and invoiced (ISSUED, RETURN_REQUESTED) are deducted; the returned
    # invoice is shown and covers nothing, nor do the cancelled and rejected requests
    assert cycles(result) == {
        "2026-04": {"paid": "100.00", "invoiced": "100.00"},
        "2026-05": {
            "paid": "50.00",
            "requested": "20.00",
            "invoiced": "10.00",
            "returned": "5.00",
            "invoiceable": "20.00",
        },
        "2026-06": {"paid": "30.00", "invoiceable": "30.00"},
    }
    assert sums(result) == {
        "paid": "180.00",
        "requested": "20.00",
        "invoiced": "110.00",
        "returned": "5.00",
        "invoiceable": "50.00",
        "requestable": "50.00",
    }


async def test_a_proxy_order_counts_once_as_its_payment_and_its_refund(
    client, session, frozen_clock
):
    # given a proxy order the partner paid (it also became the customer's consumption)
    world = await orders_world(session)
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"], count=3)]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    due = created["order"]["amountDue"]["amount"]
    assert due == "540.00"

    # then it is paid once, in the cycle it was paid
    paid = await read(client, world.finance)
    assert cycles(paid) == {"2026-06": {"paid": "540.00", "invoiceable": "540.00"}}

    # and when it is unsubscribed in July, two thirds of the term unused, the refund is
    # deducted in July
    (resource,) = await resources_of(session, world.customer)
    frozen_clock.advance((resource.expires_at - frozen_clock.now()) / 3)
    unsubscribed = await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )
    assert unsubscribed["order"]["refunds"][0]["amount"]["amount"] == "360.00"
    refunded = await read(client, world.finance)
    assert cycles(refunded) == {
        "2026-06": {"paid": "540.00", "invoiceable": "540.00"},
        "2026-07": {"refunded": "360.00", "invoiceable": "-360.00"},
    }
    assert sums(refunded)["requestable"] == "180.00"


async def test_a_customer_paid_order_and_its_refund_as_cash(client, session):
    # given a RESELLER customer that pays its own order from the cash the partner allocated
    world = await orders_world(session)
    admin = await make_user(session, world.partner, Role.ADMIN)
    await adjustments.adjust_customer_funds(
        acting_as(session, admin), world.customer.id, AdjustmentKind.ALLOCATE, Decimal("500.00")
    )
    token = await customer_token(session, world.customer)
    created = await create_own(client, token, world.customer, [new_line(world.products["ecs"])])
    await act(client, token, PAY_OWN, created["order"]["id"], key="pay")
    assert cycles(await read(client, world.finance)) == {
        "2026-06": {"paid": "180.00", "invoiceable": "180.00"}
    }

    # when it is unsubscribed and the refund lands as cash on its balance
    (resource,) = await resources_of(session, world.customer)
    await create_own(
        client,
        token,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )

    # then the refund is deducted
    assert cycles(await read(client, world.finance)) == {
        "2026-06": {"paid": "180.00", "refunded": "180.00"}
    }


async def test_a_refund_that_only_reduces_a_debt_deducts_nothing(client, session):
    # given a RESELLER customer without cash that pays its own order on credit
    world = await orders_world(session)
    admin = await make_user(session, world.partner, Role.ADMIN)
    await credit.set_customer_credit_limit(
        acting_as(session, admin), world.customer.id, Decimal("500.00")
    )
    token = await customer_token(session, world.customer)
    created = await create_own(client, token, world.customer, [new_line(world.products["ecs"])])
    await act(client, token, PAY_OWN, created["order"]["id"], key="pay")
    (resource,) = await resources_of(session, world.customer)

    # when it is refunded (the debt is gone)
    await create_own(
        client,
        token,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )

    # then the partner paid nothing and nothing is refunded
    result = await read(client, world.finance)
    assert result["cycles"] == []
    assert sums(result) == {}


async def test_a_charge_on_credit_counts_when_an_allocation_repays_it(client, session, world):
    # given a RESELLER customer without cash that consumed 30.00 of April on credit
    admin = acting_as(session, world.users[Role.ADMIN])
    customer = await make_customer(session, world.partner)
    await credit.set_customer_credit_limit(admin, customer.id, Decimal("100.00"))
    resource = await on_demand_resource(
        session, customer, await make_product(session, unit_price="1.00000000")
    )
    who = Spender(world.partner, customer, resource)
    await consume(session, who, "30.00", date(2026, 4, 3))
    await recharge(session, world.partner, "100.00")
    token = world.tokens["FINANCE"]

    # then the partner has paid nothing for it yet
    assert (await read(client, token))["cycles"] == []

    # when an allocation repays 10.00 of it (in June)
    await adjustments.adjust_customer_funds(
        admin, customer.id, AdjustmentKind.ALLOCATE, Decimal("10.00")
    )
    # then that much counts, in the allocation's cycle
    assert cycles(await read(client, token)) == {
        "2026-06": {"paid": "10.00", "invoiceable": "10.00"}
    }

    # and when another allocation repays the rest and leaves 30.00 of cash, 5.00 of which is
    # consumed in June
    await adjustments.adjust_customer_funds(
        admin, customer.id, AdjustmentKind.ALLOCATE, Decimal("50.00")
    )
    await consume(session, who, "5.00", date(2026, 6, 2))
    # then the debt and the consumed cash count, never the cash left
    result = await read(client, token)
    assert cycles(result) == {"2026-06": {"paid": "35.00", "invoiceable": "35.00"}}
    # and a retrieval of the cash left changes nothing
    await adjustments.adjust_customer_funds(
        admin, customer.id, AdjustmentKind.RETRIEVE, Decimal("25.00")
    )
    assert await read(client, token) == result


async def test_referral_money_is_shown_apart(client, session, world):
    # given a REFERRAL customer that consumed 30.00 of its own cash in April
    customer = await referral_customer(session, world.partner)
    await recharge(session, world.partner, "30.00", customer=customer)
    resource = await on_demand_resource(
        session, customer, await make_product(session, unit_price="1.00000000")
    )
    await consume(session, Spender(world.partner, customer, resource), "30.00", date(2026, 4, 3))

    # when
    result = await read(client, world.tokens["FINANCE"])

    # then it is REFERRAL money, never invoiceable to the partner
    assert cycles(result) == {"2026-04": {"referral": "30.00"}}
    assert sums(result) == {"referral": "30.00"}


async def test_an_order_the_partner_paid_for_a_referral_customer_is_referral_money(client, session):
    # given a REFERRAL customer's own order the partner paid on request (代付)
    world = await orders_world(session)
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    token = await customer_token(session, customer)
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    await act(client, token, REQUEST, created["order"]["id"])
    paid = await pay(client, world.finance, [created["order"]["id"]])
    assert paid["userErrors"] == []

    # then
    result = await read(client, world.finance)
    assert cycles(result) == {"2026-06": {"referral": "180.00"}}
    assert sums(result) == {"referral": "180.00"}


async def test_the_type_at_each_movement_decides(client, session, world, frozen_clock):
    # given a RESELLER customer that consumed 40.00 in April, switched to REFERRAL on May 1
    # and then consumed 7.00 of May on its own cash
    frozen_clock.set(datetime(2026, 4, 20, tzinfo=UTC))
    who = await spender(session, world.partner, world.users[Role.ADMIN], funds="40.00")
    await consume(session, who, "40.00", date(2026, 4, 3))
    await make_change_request(
        session,
        who.customer,
        kind=AssociationChangeKind.TYPE_SWITCH,
        to_type=AssociationType.REFERRAL,
        status=AssociationChangeStatus.CONFIRMED,
        answered_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    who.customer.association_type = AssociationType.REFERRAL
    await session.flush()
    frozen_clock.set(datetime(2026, 5, 10, tzinfo=UTC))
    await recharge(session, world.partner, "7.00", customer=who.customer)
    await consume(session, who, "7.00", date(2026, 5, 3))
    frozen_clock.set(datetime(2026, 6, 15, 4, tzinfo=UTC))

    # when
    result = await read(client, world.tokens["FINANCE"])

    # then the April consumption (as RESELLER) counts, the May one (as REFERRAL) does not
    assert cycles(result) == {
        "2026-04": {"paid": "40.00", "invoiceable": "40.00"},
        "2026-05": {"referral": "7.00"},
    }


async def test_a_refund_follows_its_orders_payment(client, session, frozen_clock):
    # given a REFERRAL customer's own order the partner paid (代付) on June 10
    frozen_clock.set(datetime(2026, 6, 10, 4, tzinfo=UTC))
    world = await orders_world(session)
    customer = await make_customer(
        session, world.partner, association_type=AssociationType.REFERRAL
    )
    token = await customer_token(session, customer)
    created = await create_own(client, token, customer, [new_line(world.products["ecs"])])
    await act(client, token, REQUEST, created["order"]["id"])
    await pay(client, world.finance, [created["order"]["id"]])
    # and the customer switched to RESELLER on June 11
    await make_change_request(
        session,
        customer,
        kind=AssociationChangeKind.TYPE_SWITCH,
        to_type=AssociationType.RESELLER,
        status=AssociationChangeStatus.CONFIRMED,
        answered_at=datetime(2026, 6, 11, tzinfo=UTC),
    )
    customer.association_type = AssociationType.RESELLER
    await session.flush()
    assert cycles(await read(client, world.finance)) == {"2026-06": {"referral": "180.00"}}

    # when the order is unsubscribed (June 12) and refunded to the partner in full
    frozen_clock.advance(timedelta(days=2))
    (resource,) = await resources_of(session, customer)
    unsubscribed = await create_own(
        client,
        token,
        customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )
    assert unsubscribed["order"]["refunds"][0]["payee"] == "PARTNER"

    # then the refund is REFERRAL money like the payment (they cancel out): nothing is
    # deducted from the partner's invoiceable money
    result = await read(client, world.finance)
    assert result["cycles"] == []
    assert sums(result) == {}


async def test_a_refund_after_the_cycle_was_invoiced_makes_it_negative(
    client, session, frozen_clock
):
    # given 50.00 consumed in April, and a proxy order paid in June whose cycle is invoiced
    world = await orders_world(session)
    finance = await make_user(session, world.partner, Role.FINANCE)
    who = await spender(session, world.partner, finance)
    await consume(session, who, "50.00", date(2026, 4, 3))
    created = await create_proxy(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    await pay(client, world.finance, [created["order"]["id"]])
    profile = await make_profile(session, finance)
    invoice = await request(session, finance, profile.id, cycles=["2026-06"])
    await issue(session, invoice, "04400001", date(2026, 6, 15))

    # when the order is refunded in full
    (resource,) = await resources_of(session, world.customer)
    await create_proxy(
        client,
        world.sales,
        world.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )

    # then June is negative, the requestable total is never below zero, and the refunded
    # money is still covered by the issued invoice
    result = await read(client, world.finance)
    assert cycles(result) == {
        "2026-04": {"paid": "50.00", "invoiceable": "50.00"},
        "2026-06": {
            "paid": "180.00",
            "refunded": "180.00",
            "invoiced": "180.00",
            "invoiceable": "-180.00",
        },
    }
    assert sums(result) == {
        "paid": "230.00",
        "refunded": "180.00",
        "invoiced": "180.00",
        "invoiceable": "-130.00",
        "invoicedNotReturned": "130.00",
    }


# --- the window -----------------------------------------------------------------------------


@pytest.fixture
async def three_cycles(session, world):
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, who, "10.00", date(2026, 4, 3))
    await consume(session, who, "20.00", date(2026, 5, 3))
    await consume(session, who, "40.00", date(2026, 6, 3))


@pytest.mark.parametrize(
    "window, shown, paid",
    [
        ({"from": "2026-05", "to": "2026-05"}, ["2026-05"], "20.00"),
        ({"from": "2026-05"}, ["2026-05", "2026-06"], "60.00"),
        ({"to": "2026-05"}, ["2026-04", "2026-05"], "30.00"),
        ({"from": "2026-04", "to": "2026-06"}, ["2026-04", "2026-05", "2026-06"], "70.00"),
        ({"from": "2025-01", "to": "2026-03"}, [], "0.00"),
    ],
)
async def test_the_window_narrows_the_cycles_and_their_sums(
    client, session, world, three_cycles, window, shown, paid
):
    result = await read(client, world.tokens["FINANCE"], **window)

    assert [c["cycle"] for c in result["cycles"]] == shown
    assert result["paid"]["amount"] == result["invoiceable"]["amount"] == paid
    # the requestable total is over every cycle, whatever the window
    assert result["requestable"]["amount"] == "70.00"


@pytest.mark.parametrize(
    "window, named",
    [
        ({"from": "2026-13"}, "cycleFrom"),
        ({"from": "2026-5"}, "cycleFrom"),
        ({"to": "2026-05\n"}, "cycleTo"),
        ({"to": "\uff12\uff10\uff12\uff16-05"}, "cycleTo"),
        ({"to": ""}, "cycleTo"),
        ({"from": "2026-06", "to": "2026-05"}, "cycleTo"),
    ],
)
async def test_a_bad_window_is_refused(client, session, world, three_cycles, window, named):
    body = await gql(client, INVOICEABLE, window, token=world.tokens["FINANCE"])
    assert named in bad_input(body)


# --- who reads it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE", "VIEWER"])
async def test_the_partners_finance_roles_read_their_own(
    client, session, world, three_cycles, role
):
    result = await read(client, world.tokens[role])
    assert result["requestable"]["amount"] == "70.00"


@pytest.mark.parametrize("role", ["SALES", "CUSTOMER"])
async def test_sales_users_and_customers_are_forbidden(client, session, world, three_cycles, role):
    body = await gql(client, INVOICEABLE, {}, token=world.tokens[role])
    assert forbidden(body)
    assert body.get("data") is None


async def test_a_partner_never_reads_another_partners_amount(client, session, world, three_cycles):
    # given the other partner has 5.00 invoiceable
    theirs = await spender(session, world.other, world.other_admin)
    await consume(session, theirs, "5.00", date(2026, 6, 1))

    # when each reads, this partner naming the other one
    ours = await read(
        client, world.tokens["FINANCE"], partnerId=global_id("Partner", world.other.id)
    )
    other = await read(client, world.other_token)

    # then each sees its own only (a partner's partnerId is not a way out of its scope)
    assert ours["requestable"]["amount"] == "70.00"
    assert other["requestable"]["amount"] == "5.00"


async def test_the_platform_names_any_partner(client, session, world, three_cycles):
    theirs = await spender(session, world.other, world.other_admin)
    await consume(session, theirs, "5.00", date(2026, 6, 1))
    token = world.tokens["PLATFORM"]

    ours = await read(client, token, partnerId=global_id("Partner", world.partner.id))
    other = await read(client, token, partnerId=global_id("Partner", world.other.id))

    assert ours["requestable"]["amount"] == "70.00"
    assert cycles(other) == {"2026-06": {"paid": "5.00", "invoiceable": "5.00"}}


@pytest.mark.parametrize("partner_id", [None, "junk", "customer id"])
async def test_the_platform_must_name_a_partner(client, session, world, partner_id):
    if partner_id == "customer id":
        partner_id = global_id("Customer", world.partner.id)
    variables = {} if partner_id is None else {"partnerId": partner_id}
    body = await gql(client, INVOICEABLE, variables, token=world.tokens["PLATFORM"])
    assert "partnerId" in bad_input(body)


async def test_the_platform_naming_an_unknown_partner_is_no_server_error(client, session, world):
    body = await gql(
        client,
        INVOICEABLE,
        {"partnerId": global_id("Partner", 10_000)},
        token=world.tokens["PLATFORM"],
    )
    codes = [e["extensions"]["code"] for e in body.get("errors", [])]
    assert codes == ["BAD_USER_INPUT"]
    assert "partnerId" in body["errors"][0]["message"]
