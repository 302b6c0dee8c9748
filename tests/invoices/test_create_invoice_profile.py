"""`createInvoiceProfile`: ADMIN and FINANCE add invoice titles; every rule is a userError."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import gql
from tests.invoices.helpers import (
    CREATE_PROFILE,
    OTHER_TAX_ID,
    TAX_ID,
    audit_events,
    errors,
    forbidden,
    general,
    live_rows,
    make_profile,
    payload,
    special,
)

NAME = "createInvoiceProfile"


async def create(client, world, input, role="FINANCE"):
    return await gql(client, CREATE_PROFILE, {"input": input}, token=world.tokens[role])


@pytest.mark.parametrize("role", ["ADMIN", "FINANCE"])
async def test_a_special_enterprise_title_is_created_and_audited(client, session, world, role):
    # when
    body = await create(client, world, special(taxId=f"  {TAX_ID.lower()} "), role)

    # then the texts are normalized and the first profile is the default
    result = payload(body, NAME)
    assert result["userErrors"] == []
    profile = result["invoiceProfile"]
    assert profile["invoiceType"] == "VAT_SPECIAL" and profile["titleType"] == "ENTERPRISE"
    assert profile["taxId"] == TAX_ID
    assert profile["bankAccount"] == "1402020109001234567"
    assert profile["isDefault"] is True
    [row] = await live_rows(session, world.partner)
    assert (
        row.title == "福州示例科技有限公司" and row.created_by_user_id == world.users[Role(role)].id
    )
    [event] = await audit_events(session, "invoice_profile.create")
    assert event.partner_id == world.partner.id
    assert event.after["tax_id"] == TAX_ID and event.after["is_default"] is True


async def test_a_general_individual_title_needs_no_tax_id(client, session, world):
    body = await create(
        client, world, {"titleType": "INDIVIDUAL", "invoiceType": "VAT_GENERAL", "title": "张三"}
    )
    profile = payload(body, NAME)["invoiceProfile"]
    assert profile["taxId"] == "" and profile["bankName"] == ""


async def test_only_the_first_profile_becomes_the_default_unless_asked(client, session, world):
    # given a default profile
    first = await make_profile(session, world.users[Role.ADMIN])
    assert first.is_default

    # when a second is created without isDefault, and a third with it
    second = payload(await create(client, world, general()), NAME)["invoiceProfile"]
    third = payload(await create(client, world, special(isDefault=True)), NAME)["invoiceProfile"]

    # then only the third is the default
    assert second["isDefault"] is False and third["isDefault"] is True
    rows = await live_rows(session, world.partner)
    assert [r.is_default for r in rows] == [False, False, True]


@pytest.mark.parametrize(
    "tax_id, why",
    [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y433", "18 characters"),
        ("91350100M0001O0Y43", "other than I, O, S, V, Z"),
        ("91AB0100M000100Y43", "administrative division"),
        ("913501-0M000100Y43", "other than I, O, S, V, Z"),
        ("110108199001011234", "check character"),
    ],
)
async def test_a_wrong_tax_id_is_refused(client, session, world, tax_id, why):
    body = await create(client, world, general(taxId=tax_id))
    result = payload(body, NAME)
    assert result["invoiceProfile"] is None
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "taxId"])
    assert why in error["message"]
    assert await live_rows(session, world.partner) == []


async def test_an_enterprise_title_needs_a_tax_id(client, session, world):
    body = await create(client, world, general(taxId=None))
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "taxId"])]


async def test_an_individual_title_has_no_tax_id(client, session, world):
    body = await create(client, world, general(titleType="INDIVIDUAL"))
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "taxId"])]


async def test_a_special_invoice_needs_every_detail(client, session, world):
    # when a VAT_SPECIAL title gives none of bank, account, address, phone
    body = await create(client, world, general(invoiceType="VAT_SPECIAL"))

    # then each is named
    assert errors(body, NAME) == [
        ("INVALID_INPUT", ["input", "bankName"]),
        ("INVALID_INPUT", ["input", "bankAccount"]),
        ("INVALID_INPUT", ["input", "address"]),
        ("INVALID_INPUT", ["input", "phone"]),
    ]
    assert await live_rows(session, world.partner) == []


async def test_a_special_invoice_needs_an_enterprise_title(client, session, world):
    body = await create(client, world, special(titleType="INDIVIDUAL", taxId=None))
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "titleType"])]


async def test_blank_details_count_as_missing(client, session, world):
    body = await create(client, world, special(bankName="   ", phone=""))
    assert errors(body, NAME) == [
        ("INVALID_INPUT", ["input", "bankName"]),
        ("INVALID_INPUT", ["input", "phone"]),
    ]


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", ""),
        ("title", "   "),
        ("title", "公" * 101),
        ("bankName", "行" * 101),
        ("bankAccount", "12345"),
        ("bankAccount", "6222-abc-0001"),
        ("bankAccount", "1" * 41),
        ("address", "路" * 201),
        ("phone", "1234"),
        ("phone", "call 0591-1234"),
        ("phone", "+-()+-()"),
    ],
)
async def test_a_field_out_of_bounds_is_refused(client, session, world, field, value):
    body = await create(client, world, special(**{field: value}))
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", field])]


async def test_the_longest_values_are_accepted(client, session, world):
    body = await create(
        client,
        world,
        special(
            title="公" * 100,
            bankName="行" * 100,
            bankAccount="1" * 40,
            address="路" * 200,
            phone="+86 (591) 1234-5678",
        ),
    )
    assert payload(body, NAME)["userErrors"] == []


async def test_a_nul_character_is_refused_by_the_input_layer(client, session, world):
    body = await gql(
        client,
        CREATE_PROFILE,
        {"input": special(title="示例\x00公司")},
        token=world.tokens["FINANCE"],
        expect_status=None,
    )
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert await live_rows(session, world.partner) == []


async def test_the_same_title_twice_is_refused(client, session, world):
    # given
    await make_profile(
        session, world.users[Role.ADMIN], tax_id=OTHER_TAX_ID, title="深圳示例有限公司"
    )

    # when the same type, title and tax id is created again
    body = await create(client, world, general())

    # then
    assert errors(body, NAME) == [("INVALID_INPUT", ["input", "title"])]
    # and another invoice type of the same company is fine
    again = await create(client, world, special(title="深圳示例有限公司", taxId=OTHER_TAX_ID))
    assert payload(again, NAME)["userErrors"] == []


async def test_another_partners_same_title_is_no_duplicate(client, session, world):
    await make_profile(session, world.other_admin, tax_id=OTHER_TAX_ID, title="深圳示例有限公司")
    body = await create(client, world, general())
    assert payload(body, NAME)["userErrors"] == []


@pytest.mark.parametrize("role", ["SALES", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_roles_are_forbidden(client, session, world, role):
    body = await create(client, world, special(), role)
    assert forbidden(body)
    assert await live_rows(session, world.partner) == []
