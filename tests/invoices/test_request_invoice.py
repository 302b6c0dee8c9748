"""`requestInvoice`: ADMIN and FINANCE ask for an invoice of invoiceable money, by amount (the
oldest cycles first) or by cycles; every rule is a userError and a refused call changes
nothing; the request is idempotent per key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

import pytest
from sqlalchemy import func, select

from app.globalid import from_global_id
from app.models import IdempotencyKey, Invoice
from app.models.customers.enums import AssociationType
from app.models.funds.enums import AdjustmentKind
from app.models.invoices.enums import InvoiceStatus, InvoiceType
from app.models.lifecycle.enums import AssociationChangeKind, AssociationChangeStatus
from app.models.partners.enums import Role
from app.services.core.errors import DomainErrors
from app.services.funds import adjustments, credit
from app.services.invoices import profiles
from tests.conftest import NOW
from tests.consumption.helpers import make_product, on_demand_resource
from tests.factories import global_id, gql, make_user
from tests.funds.helpers import acting_as, recharge
from tests.invoices.helpers import (
    audit_events,
    errors,
    forbidden,
    make_profile,
    payload,
    pid,
)
from tests.invoices.money import (
    REQUEST,
    Spender,
    consume,
    invoice_lines,
    invoice_row,
    referral_customer,
    request,
    requestable,
    spender,
    state,
)
from tests.lifecycle.factories import make_change_request
from tests.orders.helpers import create_proxy, new_line, pay, resource_line, resources_of
from tests.orders.helpers import make_world as orders_world

NAME = "requestInvoice"
_keys = count(1)


def bank(**overrides):
    """The bank details a VAT_SPECIAL profile needs (service field names)."""
    return {
        "invoice_type": InvoiceType.VAT_SPECIAL,
        "bank_name": "中国工商银行福州分行",
        "bank_account": "1402020109001234567",
        "address": "福州市鼓楼区五四路 1 号",
        "phone": "0591-12345678",
        **overrides,
    }


async def ask(client, token, profile_id, key=None, **input):
    """Send requestInvoice with `input` (cycles / amount) and a fresh key unless given."""
    variables = {
        "input": {
            "profileId": profile_id,
            "idempotencyKey": key or f"req-{next(_keys)}",
            **input,
        }
    }
    return await gql(client, REQUEST, variables, token=token)


@pytest.fixture
async def money(session, world):
    """12.34 in 2026-04, 20.00 in 2026-05 and 1.11 in 2026-06: 33.45 invoiceable."""
    who = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, who, "12.34", date(2026, 4, 3))
    await consume(session, who, "20.00", date(2026, 5, 20))
    await consume(session, who, "1.11", date(2026, 6, 14))
    return who


@pytest.fixture
async def profile(session, world):
    return await make_profile(session, world.users[Role.ADMIN])


def lines_of(invoice):
    return [(x["cycle"], x["amount"]["amount"]) for x in invoice["lines"]]


# --- by amount ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE"])
async def test_an_amount_is_taken_from_the_oldest_cycles_first(
    client, session, world, money, profile, role
):
    # when 15.00 is asked for
    body = await ask(client, world.tokens[role], pid(profile), amount="15.00")

    # then all of April and 2.66 of May are taken, and the invoice is a copy of the profile
    result = payload(body, NAME)
    assert result["userErrors"] == []
    invoice = result["invoice"]
    assert invoice["status"] == "REQUESTED"
    assert invoice["item"] == "云服务费"
    assert invoice["amount"]["amount"] == "15.00"
    assert lines_of(invoice) == [("2026-04", "12.34"), ("2026-05", "2.66")]
    assert (invoice["invoiceType"], invoice["titleType"]) == ("VAT_GENERAL", "ENTERPRISE")
    assert (invoice["title"], invoice["taxId"]) == (profile.title, profile.tax_id)
    assert invoice["profile"]["id"] == pid(profile)
    assert invoice["requestedAt"] == "2026-06-15T04:00:00Z"
    assert invoice["invoiceNumber"] is None and invoice["issuedAt"] is None
    # and the rows say the same; the rest stays requestable
    [row] = await session.scalars(select(Invoice).where(Invoice.partner_id == world.partner.id))
    assert row.requested_by_user_id == world.users[Role(role)].id
    assert row.amount == Decimal("15.00") and row.status is InvoiceStatus.REQUESTED
    assert await invoice_lines(session, world.partner) == [
        (row.id, "2026-04", "12.34"),
        (row.id, "2026-05", "2.66"),
    ]
    assert await requestable(session, world.partner) == Decimal("18.45")


async def test_the_next_request_continues_where_the_last_one_stopped(
    client, session, world, money, profile
):
    # given 15.00 already requested
    await request(session, world.users[Role.FINANCE], profile.id, amount="15.00")

    # when the rest is asked for
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="18.45")

    # then it takes the rest of May and all of June; nothing is left
    invoice = payload(body, NAME)["invoice"]
    assert lines_of(invoice) == [("2026-05", "17.34"), ("2026-06", "1.11")]
    assert await requestable(session, world.partner) == Decimal("0.00")


async def test_an_amount_above_what_is_requestable_is_refused(
    client, session, world, money, profile
):
    # given
    before = await state(session, world.partner)

    # when one cent more than is invoiceable is asked for
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="33.46")

    # then
    result = payload(body, NAME)
    assert result["invoice"] is None
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVOICEABLE_EXCEEDED", ["input", "amount"])
    assert "33.45" in error["message"]
    assert await state(session, world.partner) == before
    assert await audit_events(session, "invoice.request") == []
    # and exactly the requestable amount is fine
    exact = await ask(client, world.tokens["FINANCE"], pid(profile), amount="33.45")
    assert payload(exact, NAME)["userErrors"] == []


async def test_nothing_invoiceable_refuses_any_amount(client, session, world, profile):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="0.01")
    assert errors(body, NAME) == [("INVOICEABLE_EXCEEDED", ["input", "amount"])]
    assert await state(session, world.partner) == []


# --- by cycles ------------------------------------------------------------------------------


async def test_named_cycles_are_each_taken_in_full(client, session, world, money, profile):
    # when June and April are named (in any order)
    body = await ask(client, world.tokens["ADMIN"], pid(profile), cycles=["2026-06", "2026-04"])

    # then both in full, oldest first
    invoice = payload(body, NAME)["invoice"]
    assert lines_of(invoice) == [("2026-04", "12.34"), ("2026-06", "1.11")]
    assert invoice["amount"]["amount"] == "13.45"
    assert await requestable(session, world.partner) == Decimal("20.00")


async def test_a_cycle_taken_in_part_gives_its_rest(client, session, world, money, profile):
    # given 15.00 requested (2.66 of May)
    await request(session, world.users[Role.FINANCE], profile.id, amount="15.00")

    # when May is named
    body = await ask(client, world.tokens["FINANCE"], pid(profile), cycles=["2026-05"])

    # then what is left of it
    assert lines_of(payload(body, NAME)["invoice"]) == [("2026-05", "17.34")]


async def test_a_cycle_with_nothing_left_is_refused_at_its_index(
    client, session, world, money, profile
):
    # given April already requested
    await request(session, world.users[Role.FINANCE], profile.id, cycles=["2026-04"])
    before = await state(session, world.partner)

    # when May, April (taken) and March (never had money) are named
    body = await ask(
        client, world.tokens["FINANCE"], pid(profile), cycles=["2026-05", "2026-04", "2026-03"]
    )

    # then each empty cycle is named; nothing is requested
    assert errors(body, NAME) == [
        ("INVOICEABLE_EXCEEDED", ["input", "cycles", "1"]),
        ("INVOICEABLE_EXCEEDED", ["input", "cycles", "2"]),
    ]
    assert await state(session, world.partner) == before


async def test_named_cycles_are_covered_only_up_to_the_requestable_total(client, session):
    # given 500.00 consumed in April, and a proxy order paid, requested and then refunded in
    # full in June (June's invoiceable amount is negative)
    orders = await orders_world(session)
    finance = await make_user(session, orders.partner, Role.FINANCE)
    admin = await make_user(session, orders.partner, Role.ADMIN)
    who = await spender(session, orders.partner, admin)
    await consume(session, who, "500.00", date(2026, 4, 3))
    created = await create_proxy(
        client, orders.sales, orders.customer, [new_line(orders.products["ecs"])]
    )
    await pay(client, orders.finance, [created["order"]["id"]])
    paid = Decimal(created["order"]["amountDue"]["amount"])
    profile = await make_profile(session, finance)
    await request(session, finance, profile.id, cycles=["2026-06"])
    (resource,) = await resources_of(session, orders.customer)
    unsubscribed = await create_proxy(
        client,
        orders.sales,
        orders.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )
    assert unsubscribed["order"]["refunds"][0]["amount"]["amount"] == str(paid)
    assert await requestable(session, orders.partner) == Decimal("500.00") - paid

    # when April is named
    body = await ask(client, orders.finance, pid(profile), cycles=["2026-04"])

    # then only what is requestable in all is taken of it
    assert lines_of(payload(body, NAME)["invoice"]) == [("2026-04", str(Decimal("500.00") - paid))]
    assert await requestable(session, orders.partner) == Decimal("0.00")

    # and once nothing is requestable, April (whose own amount is still positive) is refused
    # as a whole
    again = await ask(client, orders.finance, pid(profile), cycles=["2026-04"])
    assert errors(again, NAME) == [("INVOICEABLE_EXCEEDED", ["input", "cycles"])]


async def test_refunds_that_leave_nothing_refuse_the_named_cycles(client, session):
    # given 10.00 consumed in April, and 180-odd paid, requested and refunded in June
    orders = await orders_world(session)
    finance = await make_user(session, orders.partner, Role.FINANCE)
    who = await spender(session, orders.partner, finance, funds="10.00")
    await consume(session, who, "10.00", date(2026, 4, 3))
    created = await create_proxy(
        client, orders.sales, orders.customer, [new_line(orders.products["ecs"])]
    )
    await pay(client, orders.finance, [created["order"]["id"]])
    profile = await make_profile(session, finance)
    await request(session, finance, profile.id, cycles=["2026-06"])
    (resource,) = await resources_of(session, orders.customer)
    await create_proxy(
        client,
        orders.sales,
        orders.customer,
        [resource_line("UNSUBSCRIBE", global_id("Resource", resource.id))],
        key="unsubscribe",
    )
    before = await state(session, orders.partner)

    # when April (10.00 invoiceable by itself) is named
    body = await ask(client, orders.finance, pid(profile), cycles=["2026-04"])

    # then the refund leaves nothing requestable
    assert errors(body, NAME) == [("INVOICEABLE_EXCEEDED", ["input", "cycles"])]
    assert await state(session, orders.partner) == before


# --- input rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "input",
    [{}, {"cycles": None, "amount": None}, {"cycles": ["2026-04"], "amount": "1.00"}],
    ids=["neither", "both null", "both"],
)
async def test_exactly_one_of_cycles_and_amount(client, session, world, money, profile, input):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), **input)
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "cycles"])]
    assert await state(session, world.partner) == []


@pytest.mark.parametrize(
    "cycles, field",
    [
        (["2026-13"], ["input", "cycles", "0"]),
        (["2026-00"], ["input", "cycles", "0"]),
        (["2026-4"], ["input", "cycles", "0"]),
        (["26-04"], ["input", "cycles", "0"]),
        (["2026-04-01"], ["input", "cycles", "0"]),
        ([" 2026-04"], ["input", "cycles", "0"]),
        (["2026/04"], ["input", "cycles", "0"]),
        (["\uff12\uff10\uff12\uff16-04"], ["input", "cycles", "0"]),
        (["2026-04\n"], ["input", "cycles", "0"]),
        (["2026-04", ""], ["input", "cycles", "1"]),
        ([], ["input", "cycles"]),
        (["2026-04", "2026-05", "2026-04"], ["input", "cycles"]),
        ([f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(37)], ["input", "cycles"]),
    ],
    ids=[
        "month 13",
        "month 0",
        "one-digit month",
        "two-digit year",
        "a date",
        "a space",
        "a slash",
        "full-width digits",
        "a final newline",
        "empty",
        "none",
        "twice",
        "37 cycles",
    ],
)
async def test_bad_cycles_are_refused(client, session, world, money, profile, cycles, field):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), cycles=cycles)
    assert errors(body, NAME) == [("INVALID_INPUT", field)]
    assert await state(session, world.partner) == []


async def test_36_cycles_are_accepted(client, session, world, money, profile):
    cycles = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]
    assert cycles[-1] == "2026-12"

    body = await ask(client, world.tokens["FINANCE"], pid(profile), cycles=cycles)

    # (the rule checked next is that each has money: the input itself is fine)
    assert all(code == "INVOICEABLE_EXCEEDED" for code, _ in errors(body, NAME))


async def test_each_malformed_cycle_is_named(client, session, world, money, profile):
    body = await ask(
        client, world.tokens["FINANCE"], pid(profile), cycles=["x", "2026-04", "2026-99"]
    )
    assert errors(body, NAME) == [
        ("INVALID_INPUT", ["input", "cycles", "0"]),
        ("INVALID_INPUT", ["input", "cycles", "2"]),
    ]


@pytest.mark.parametrize("item", ["2026-04", "not a cycle"])
async def test_a_huge_list_gets_one_error(client, session, world, money, profile, item):
    # when 10,000 cycles are sent
    body = await ask(client, world.tokens["FINANCE"], pid(profile), cycles=[item] * 10_000)

    # then one error for the list, not one per item
    result = payload(body, NAME)
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "cycles"])
    assert "36" in error["message"]
    assert await state(session, world.partner) == []


async def test_a_long_malformed_cycle_is_not_echoed_in_full(client, session, world, profile):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), cycles=["9" * 5000])
    [error] = payload(body, NAME)["userErrors"]
    assert error["field"] == ["input", "cycles", "0"]
    assert len(error["message"]) < 100


@pytest.mark.parametrize(
    "amount, code",
    [
        ("0", "INVALID_INPUT"),
        ("0.00", "INVALID_INPUT"),
        ("-1.00", "INVALID_INPUT"),
        ("10000000.01", "AMOUNT_LIMITED"),
    ],
)
async def test_a_bad_amount_is_refused(client, session, world, money, profile, amount, code):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount=amount)
    assert errors(body, NAME) == [(code, ["input", "amount"])]
    assert await state(session, world.partner) == []


async def test_the_largest_amount_passes_the_input_rules(client, session, world, money, profile):
    # 10,000,000.00 is a valid amount: it is refused only as more than is invoiceable
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="10000000.00")
    assert errors(body, NAME) == [("INVOICEABLE_EXCEEDED", ["input", "amount"])]


async def test_three_decimals_are_refused_by_the_input_layer(client, session, world, profile):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="1.234")
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


async def test_three_decimals_are_refused_by_the_service(session, world, money, profile):
    # (the CLI and jobs call the service without the API's Amount scalar)
    with pytest.raises(DomainErrors) as refused:
        await request(session, world.users[Role.FINANCE], profile.id, amount="1.234")
    assert [(e.code.value, e.field) for e in refused.value.errors] == [
        ("INVALID_INPUT", ["amount"])
    ]
    assert await state(session, world.partner) == []


# --- the profile ----------------------------------------------------------------------------


async def test_a_deleted_profile_is_not_found(client, session, world, money, profile):
    await profiles.delete_invoice_profile(acting_as(session, world.users[Role.ADMIN]), profile.id)
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="1.00")
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "profileId"])]
    assert await state(session, world.partner) == []


async def test_another_partners_profile_is_not_found(client, session, world, money):
    theirs = await make_profile(session, world.other_admin)
    body = await ask(client, world.tokens["FINANCE"], pid(theirs), amount="1.00")
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "profileId"])]
    assert await state(session, world.partner) == []
    assert await state(session, world.other) == []


@pytest.mark.parametrize("profile_id", ["garbage", global_id("Invoice", 1)])
async def test_a_malformed_profile_id_is_not_found(client, session, world, money, profile_id):
    body = await ask(client, world.tokens["FINANCE"], profile_id, amount="1.00")
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "profileId"])]


async def test_the_invoice_keeps_its_copy_of_the_profile(client, session, world, money):
    # given an invoice requested under a special VAT profile
    admin = acting_as(session, world.users[Role.ADMIN])
    special = await make_profile(session, world.users[Role.ADMIN], **bank())
    body = await ask(client, world.tokens["FINANCE"], pid(special), amount="1.00")
    invoice_id = payload(body, NAME)["invoice"]["id"]

    # when the profile is changed, then deleted
    await profiles.update_invoice_profile(admin, special.id, {"title": "另一家公司"})
    await profiles.delete_invoice_profile(admin, special.id)

    # then the invoice still shows the title and bank details it was requested with
    shown = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Invoice { title invoiceType bankName "
        "bankAccount address phone profile { id } } } }",
        {"id": invoice_id},
        token=world.tokens["FINANCE"],
    )
    node = shown["data"]["node"]
    assert node == {
        "title": "示例有限公司",
        "invoiceType": "VAT_SPECIAL",
        "bankName": "中国工商银行福州分行",
        "bankAccount": "1402020109001234567",
        "address": "福州市鼓楼区五四路 1 号",
        "phone": "0591-12345678",
        "profile": None,
    }


# --- arrears --------------------------------------------------------------------------------


async def in_arrears(session, world, name=None, funds="10.00", spent="15.00") -> Spender:
    """A RESELLER customer that consumed more than it was allocated (no credit)."""
    kw = {"name": name} if name else {}
    who = await spender(session, world.partner, world.users[Role.ADMIN], funds=funds, **kw)
    await consume(session, who, spent, date(2026, 6, 1))
    return who


async def test_a_special_invoice_is_refused_while_a_reseller_customer_is_in_arrears(
    client, session, world, money
):
    # given a customer 5.00 in arrears
    await in_arrears(session, world, name="欠费客户有限公司")
    special = await make_profile(session, world.users[Role.ADMIN], **bank())
    before = await state(session, world.partner)

    # when a special VAT invoice is asked for
    body = await ask(client, world.tokens["FINANCE"], pid(special), amount="1.00")

    # then
    [error] = payload(body, NAME)["userErrors"]
    assert (error["code"], error["field"]) == ("ARREARS", ["input", "profileId"])
    assert "欠费客户有限公司" in error["message"]
    assert await state(session, world.partner) == before
    # and a general one is fine
    general = await make_profile(session, world.users[Role.ADMIN], title="普票抬头")
    body = await ask(client, world.tokens["FINANCE"], pid(general), amount="1.00")
    assert payload(body, NAME)["userErrors"] == []


async def test_the_arrears_message_names_three_customers(client, session, world, money):
    for n in range(4):
        await in_arrears(session, world, name=f"欠费客户{n}")
    special = await make_profile(session, world.users[Role.ADMIN], **bank())

    body = await ask(client, world.tokens["FINANCE"], pid(special), amount="1.00")

    [error] = payload(body, NAME)["userErrors"]
    assert error["code"] == "ARREARS"
    assert all(f"欠费客户{n}" in error["message"] for n in range(3))
    assert "欠费客户3" not in error["message"] and "…" in error["message"]


async def test_credit_in_use_is_not_arrears(client, session, world, money):
    # given a customer that spent 5.00 beyond its cash, within a credit limit of 10.00
    who = await spender(session, world.partner, world.users[Role.ADMIN], funds="10.00")
    await credit.set_customer_credit_limit(
        acting_as(session, world.users[Role.FINANCE]), who.customer.id, Decimal("10.00")
    )
    await consume(session, who, "15.00", date(2026, 6, 1))
    special = await make_profile(session, world.users[Role.ADMIN], **bank())

    body = await ask(client, world.tokens["FINANCE"], pid(special), amount="1.00")

    assert payload(body, NAME)["userErrors"] == []


async def test_arrears_of_a_referral_or_former_customer_do_not_count(client, session, world, money):
    # given a REFERRAL customer in arrears, and a former RESELLER customer in arrears
    referral = await referral_customer(session, world.partner)
    resource = await on_demand_resource(
        session, referral, await make_product(session, unit_price="1.00000000")
    )
    await consume(session, Spender(world.partner, referral, resource), "3.00", date(2026, 6, 1))
    former = await in_arrears(session, world)
    former.customer.ended_at = NOW
    await session.flush()
    special = await make_profile(session, world.users[Role.ADMIN], **bank())

    body = await ask(client, world.tokens["FINANCE"], pid(special), amount="1.00")

    assert payload(body, NAME)["userErrors"] == []


# --- REFERRAL-period consumption ------------------------------------------------------------


async def referral_spender(session, world, amount: str, day: date) -> Spender:
    """A REFERRAL customer that consumed `amount` of `day` on its own cash."""
    customer = await referral_customer(session, world.partner)
    await recharge(session, world.partner, amount, customer=customer)
    resource = await on_demand_resource(
        session, customer, await make_product(session, unit_price="1.00000000")
    )
    who = Spender(world.partner, customer, resource)
    await consume(session, who, amount, day)
    return who


async def test_referral_consumption_is_never_invoiced_to_the_partner(
    client, session, world, profile
):
    # given 30.00 of REFERRAL consumption in April and 20.00 of RESELLER consumption in May
    await referral_spender(session, world, "30.00", date(2026, 4, 3))
    reseller = await spender(session, world.partner, world.users[Role.ADMIN])
    await consume(session, reseller, "20.00", date(2026, 5, 3))
    token = world.tokens["FINANCE"]

    # when April is named, or an amount that only REFERRAL money could cover
    by_cycle = await ask(client, token, pid(profile), cycles=["2026-04"])
    by_amount = await ask(client, token, pid(profile), amount="50.00")
    beyond = await ask(client, token, pid(profile), amount="50.01")

    # then REFERRAL_MODE, and INVOICEABLE_EXCEEDED beyond even that
    assert errors(by_cycle, NAME) == [("REFERRAL_MODE", ["input", "cycles", "0"])]
    assert errors(by_amount, NAME) == [("REFERRAL_MODE", ["input", "amount"])]
    assert errors(beyond, NAME) == [("INVOICEABLE_EXCEEDED", ["input", "amount"])]
    assert await state(session, world.partner) == []
    # and the RESELLER money is requestable
    ok = await ask(client, token, pid(profile), amount="20.00")
    assert lines_of(payload(ok, NAME)["invoice"]) == [("2026-05", "20.00")]


async def test_consumption_before_a_switch_to_reseller_stays_out(
    client, session, world, profile, frozen_clock
):
    # given a REFERRAL customer that consumed 30.00 of its own cash in April
    frozen_clock.set(datetime(2026, 4, 10, tzinfo=UTC))
    who = await referral_spender(session, world, "30.00", date(2026, 4, 3))
    # and switched to RESELLER on May 1 (confirmed)
    await make_change_request(
        session,
        who.customer,
        kind=AssociationChangeKind.TYPE_SWITCH,
        to_type=AssociationType.RESELLER,
        status=AssociationChangeStatus.CONFIRMED,
        requested_at=datetime(2026, 4, 28, tzinfo=UTC),
        answered_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    who.customer.association_type = AssociationType.RESELLER
    await session.flush()
    # and since then consumed 20.00 of the partner's allocated cash, in May and June
    frozen_clock.set(NOW)
    await recharge(session, world.partner, "100.00")
    await adjustments.adjust_customer_funds(
        acting_as(session, world.users[Role.ADMIN]),
        who.customer.id,
        AdjustmentKind.ALLOCATE,
        Decimal("100.00"),
    )
    await consume(session, who, "15.00", date(2026, 5, 3))
    await consume(session, who, "5.00", date(2026, 6, 3))
    token = world.tokens["FINANCE"]

    # then April is REFERRAL-period money, the rest is the partner's
    assert await requestable(session, world.partner) == Decimal("20.00")
    april = await ask(client, token, pid(profile), cycles=["2026-04"])
    assert errors(april, NAME) == [("REFERRAL_MODE", ["input", "cycles", "0"])]
    more = await ask(client, token, pid(profile), amount="20.01")
    assert errors(more, NAME) == [("REFERRAL_MODE", ["input", "amount"])]
    ok = await ask(client, token, pid(profile), amount="20.00")
    assert lines_of(payload(ok, NAME)["invoice"]) == [("2026-05", "15.00"), ("2026-06", "5.00")]


# --- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_roles_are_forbidden(client, session, world, money, profile, role):
    # when someone else asks, with a key
    body = await ask(client, world.tokens[role], pid(profile), key="k-1", amount="1.00")

    # then it is forbidden, nothing changes and the key is not used up
    assert forbidden(body)
    assert await state(session, world.partner) == []
    assert await audit_events(session, "invoice.request") == []
    retry = await ask(client, world.tokens["FINANCE"], pid(profile), key="k-1", amount="1.00")
    assert payload(retry, NAME)["userErrors"] == []


async def test_another_partner_cannot_request_with_this_partners_profile(
    client, session, world, money, profile
):
    body = await ask(client, world.other_token, pid(profile), amount="1.00")
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "profileId"])]
    assert await state(session, world.partner) == []
    assert await state(session, world.other) == []


# --- idempotency ----------------------------------------------------------------------------


async def test_the_same_key_and_input_replays_the_first_invoice(
    client, session, world, money, profile
):
    # given a request
    first = await ask(client, world.tokens["FINANCE"], pid(profile), key="once", amount="15.00")
    invoice = payload(first, NAME)["invoice"]

    # when it is sent again (by another user of the partner)
    again = await ask(client, world.tokens["ADMIN"], pid(profile), key="once", amount="15.00")

    # then the same invoice comes back and nothing more is requested
    assert payload(again, NAME) == {"invoice": invoice, "userErrors": []}
    count_ = select(func.count()).select_from(Invoice).where(Invoice.partner_id == world.partner.id)
    assert await session.scalar(count_) == 1
    assert await requestable(session, world.partner) == Decimal("18.45")
    assert len(await audit_events(session, "invoice.request")) == 1


async def test_cycles_in_another_order_are_the_same_input(client, session, world, money, profile):
    token = world.tokens["FINANCE"]
    first = await ask(client, token, pid(profile), key="c", cycles=["2026-04", "2026-05"])
    again = await ask(client, token, pid(profile), key="c", cycles=["2026-05", "2026-04"])
    assert payload(again, NAME)["invoice"]["id"] == payload(first, NAME)["invoice"]["id"]


@pytest.mark.parametrize(
    "other",
    [{"amount": "16.00"}, {"cycles": ["2026-04"]}, {"amount": "15.00", "other_profile": True}],
    ids=["another amount", "cycles", "another profile"],
)
async def test_the_same_key_with_another_input_is_refused(
    client, session, world, money, profile, other
):
    # given a request
    token = world.tokens["FINANCE"]
    await ask(client, token, pid(profile), key="once", amount="15.00")
    before = await state(session, world.partner)
    target = profile
    if other.pop("other_profile", False):
        target = await make_profile(session, world.users[Role.ADMIN], title="另一个抬头")

    # when the key is used with another input
    body = await ask(client, token, pid(target), key="once", **other)

    # then
    assert errors(body, NAME) == [("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])]
    assert await state(session, world.partner) == before


async def test_a_refused_input_does_not_use_up_the_key(client, session, world, money, profile):
    token = world.tokens["FINANCE"]
    bad = await ask(client, token, pid(profile), key="fix", amount="0.00")
    missing = await ask(client, token, global_id("InvoiceProfile", 999), key="fix", amount="1.00")
    assert errors(bad, NAME) == [("INVALID_INPUT", ["input", "amount"])]
    assert errors(missing, NAME) == [("NOT_FOUND", ["input", "profileId"])]

    fixed = await ask(client, token, pid(profile), key="fix", amount="1.00")

    assert payload(fixed, NAME)["userErrors"] == []


async def test_a_refusal_by_a_business_rule_is_replayed(client, session, world, money, profile):
    # given a request refused as more than is invoiceable
    token = world.tokens["FINANCE"]
    first = await ask(client, token, pid(profile), key="big", amount="50.00")
    assert errors(first, NAME) == [("INVOICEABLE_EXCEEDED", ["input", "amount"])]

    # when enough money arrives and the same call is retried
    await consume(session, money, "30.00", date(2026, 6, 13))
    again = await ask(client, token, pid(profile), key="big", amount="50.00")

    # then the first outcome is replayed (a new key asks again)
    assert payload(again, NAME) == payload(first, NAME)
    assert await state(session, world.partner) == []
    fresh = await ask(client, token, pid(profile), amount="50.00")
    assert payload(fresh, NAME)["userErrors"] == []


async def test_another_partner_may_use_the_same_key(client, session, world, money, profile):
    # given the other partner requested with key "shared"
    other_money = await spender(session, world.other, world.other_admin)
    await consume(session, other_money, "5.00", date(2026, 6, 1))
    theirs = await make_profile(session, world.other_admin)
    body = await ask(client, world.other_token, pid(theirs), key="shared", amount="5.00")
    assert payload(body, NAME)["userErrors"] == []

    # when this partner uses the same key
    ours = await ask(client, world.tokens["FINANCE"], pid(profile), key="shared", amount="1.00")

    # then it is its own request
    assert payload(ours, NAME)["invoice"]["amount"]["amount"] == "1.00"
    scopes = await session.scalars(
        select(IdempotencyKey.scope).where(IdempotencyKey.key == "shared")
    )
    assert sorted(scopes) == sorted([f"partner:{world.partner.id}", f"partner:{world.other.id}"])


# --- audit ----------------------------------------------------------------------------------


async def test_the_request_is_audited(client, session, world, money, profile):
    body = await ask(client, world.tokens["FINANCE"], pid(profile), amount="15.00")
    invoice = await invoice_row(session, world.partner, _db_id(payload(body, NAME)))

    [event] = await audit_events(session, "invoice.request")

    assert (event.object_type, event.object_id) == ("Invoice", invoice.id)
    assert event.partner_id == world.partner.id
    assert event.actor_user_id == world.users[Role.FINANCE].id
    assert event.after["status"] == "REQUESTED"
    assert event.after["amount"] == "15.00"
    assert event.after["profileId"] == profile.id
    assert event.after["invoiceType"] == "VAT_GENERAL"
    assert event.after["lines"] == {"2026-04": "12.34", "2026-05": "2.66"}


def _db_id(result) -> int:
    return from_global_id(result["invoice"]["id"])[1]
