"""`updateInvoiceProfile`: the given fields change, the result meets every rule."""

from __future__ import annotations

import pytest

from app.models.invoices.enums import InvoiceType
from app.models.partners.enums import Role
from tests.factories import global_id, gql
from tests.invoices.helpers import (
    OTHER_TAX_ID,
    UPDATE_PROFILE,
    audit_events,
    errors,
    forbidden,
    live_rows,
    make_profile,
    payload,
    pid,
)

NAME = "updateInvoiceProfile"


async def update(client, world, input, role="FINANCE"):
    return await gql(client, UPDATE_PROFILE, {"input": input}, token=world.tokens[role])


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE"])
async def test_given_fields_change_and_the_others_stay(client, session, world, role):
    # given
    profile = await make_profile(session, world.users[Role.ADMIN], address="旧地址")

    # when the title and phone change
    body = await update(
        client,
        world,
        {"profileId": pid(profile), "title": " 新名称有限公司 ", "phone": "010-1234567"},
        role,
    )

    # then
    result = payload(body, NAME)
    assert result["userErrors"] == []
    changed = result["invoiceProfile"]
    assert changed["title"] == "新名称有限公司" and changed["phone"] == "010-1234567"
    assert changed["address"] == "旧地址" and changed["isDefault"] is True
    [event] = await audit_events(session, "invoice_profile.update")
    assert event.before["title"] == "示例有限公司" and event.after["title"] == "新名称有限公司"


async def test_turning_special_needs_the_details_given_or_there(client, session, world):
    # given a general profile with a bank and an address already
    profile = await make_profile(
        session, world.users[Role.ADMIN], bank_name="某银行", bank_account="622200001111"
    )

    # when it turns VAT_SPECIAL without address and phone
    refused = await update(client, world, {"profileId": pid(profile), "invoiceType": "VAT_SPECIAL"})

    # then both are named and nothing changed
    assert errors(refused, NAME) == [
        ("INVALID_INPUT", ["input", "address"]),
        ("INVALID_INPUT", ["input", "phone"]),
    ]
    [row] = await live_rows(session, world.partner)
    assert row.invoice_type is InvoiceType.VAT_GENERAL

    # when it gives them
    body = await update(
        client,
        world,
        {
            "profileId": pid(profile),
            "invoiceType": "VAT_SPECIAL",
            "address": "北京",
            "phone": "01012345",
        },
    )
    assert payload(body, NAME)["invoiceProfile"]["invoiceType"] == "VAT_SPECIAL"


async def test_clearing_a_detail_of_a_special_profile_is_refused(client, session, world):
    profile = await make_profile(
        session,
        world.users[Role.ADMIN],
        invoice_type=InvoiceType.VAT_SPECIAL,
        bank_name="某银行",
        bank_account="622200001111",
        address="北京",
        phone="01012345",
    )
    body = await update(client, world, {"profileId": pid(profile), "bankAccount": ""})
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "bankAccount"])]


async def test_a_wrong_tax_id_is_refused(client, session, world):
    profile = await make_profile(session, world.users[Role.ADMIN])
    body = await update(client, world, {"profileId": pid(profile), "taxId": "91350100M000100Y40"})
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "taxId"])]


async def test_becoming_individual_keeps_no_tax_id(client, session, world):
    profile = await make_profile(session, world.users[Role.ADMIN])
    # when the title type alone changes, the old tax id is refused
    body = await update(client, world, {"profileId": pid(profile), "titleType": "INDIVIDUAL"})
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "taxId"])]
    # and with the tax id cleared it is accepted
    body = await update(
        client, world, {"profileId": pid(profile), "titleType": "INDIVIDUAL", "taxId": ""}
    )
    assert payload(body, NAME)["invoiceProfile"]["taxId"] == ""


async def test_making_a_profile_the_default_unsets_the_other(client, session, world):
    # given a default and another
    first = await make_profile(session, world.users[Role.ADMIN])
    second = await make_profile(session, world.users[Role.ADMIN], tax_id=OTHER_TAX_ID)
    assert first.is_default and not second.is_default

    # when the second becomes the default
    body = await update(client, world, {"profileId": pid(second), "isDefault": True})

    # then
    assert payload(body, NAME)["invoiceProfile"]["isDefault"] is True
    assert [r.is_default for r in await live_rows(session, world.partner)] == [False, True]

    # and unsetting it leaves none
    body = await update(client, world, {"profileId": pid(second), "isDefault": False})
    assert payload(body, NAME)["invoiceProfile"]["isDefault"] is False
    assert [r.is_default for r in await live_rows(session, world.partner)] == [False, False]


async def test_becoming_a_duplicate_is_refused(client, session, world):
    await make_profile(session, world.users[Role.ADMIN], title="甲公司")
    second = await make_profile(session, world.users[Role.ADMIN], title="乙公司")
    body = await update(client, world, {"profileId": pid(second), "title": "甲公司"})
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "title"])]


async def test_nothing_to_change_is_refused(client, session, world):
    profile = await make_profile(session, world.users[Role.ADMIN])
    body = await update(client, world, {"profileId": pid(profile)})
    assert errors(body, NAME) == [("INVALID_INPUT", ["input"])]


@pytest.mark.parametrize("which", ["other partner", "deleted", "malformed", "other type"])
async def test_a_profile_the_caller_cannot_see_is_not_found(client, session, world, which):
    from app.services.invoices import profiles
    from tests.funds.helpers import acting_as

    mine = await make_profile(session, world.users[Role.ADMIN])
    if which == "other partner":
        target = pid(await make_profile(session, world.other_admin))
    elif which == "deleted":
        await profiles.delete_invoice_profile(acting_as(session, world.users[Role.ADMIN]), mine.id)
        target = pid(mine)
    elif which == "malformed":
        target = "not-an-id"
    else:
        target = global_id("Customer", mine.id)
    body = await update(client, world, {"profileId": target, "title": "新名称"})
    assert errors(body, NAME) == [("NOT_FOUND", ["input", "profileId"])]


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_roles_are_forbidden(client, session, world, role):
    profile = await make_profile(session, world.users[Role.ADMIN])
    body = await update(client, world, {"profileId": pid(profile), "title": "新名称"}, role)
    assert forbidden(body)
    [row] = await live_rows(session, world.partner)
    assert row.title == "示例有限公司"
