"""Remittance accounts: a transfer to the partner's dedicated account or to the vendor's
general one (naming the partner) is a BANK_TRANSFER recharge; `remittanceAccounts` shows
both accounts to the partner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.globalid import from_global_id
from app.models import IdempotencyKey, LedgerEntry, Recharge
from app.models.funds.enums import RemittanceAccountKind
from app.models.partners.enums import Role
from app.settings import get_settings
from tests.conftest import NOW
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds import recharge_helpers
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.recharge_helpers import allocatable, count, errors_of, transfer_input
from tests.funds.withdrawal_helpers import (
    HUAWEI,
    RECHARGE,
    REQUEST,
    original_route,
    request_input,
    windowed_world,
)
from tests.funds.withdrawal_helpers import errors_of as withdrawal_errors
from tests.rows import reread

world = recharge_helpers.world  # a fixture shared with the other recharge tests

TRANSFER = """
mutation Transfer($input: RecordBankTransferInput!) {
  recordBankTransfer(input: $input) {
    recharge { id channel remittanceAccount amount { amount } remaining { amount } }
    userErrors { code field message }
  }
}
"""

ACCOUNTS = """
query {
  remittanceAccounts { kind accountNumber bankName accountHolder requiredRemark }
}
"""

LISTED = """
query { recharges(first: 10) { nodes { id channel remittanceAccount } } }
"""


def general(partner, reference="gen-1", amount="500.00", key="g-1", partner_gid=None):
    variables = transfer_input(partner, reference=reference, amount=amount, key=key)
    variables["input"]["remittanceAccount"] = get_settings().general_remittance_account_number
    variables["input"]["partnerId"] = partner_gid or global_id("Partner", partner.id)
    return variables


async def test_a_transfer_to_the_general_account_credits_the_partner_it_names(
    client, session, world
):
    # given
    partner, token, platform = world

    # when
    body = await gql(client, TRANSFER, general(partner), token=platform)

    # then
    payload = body["data"]["recordBankTransfer"]
    assert payload["userErrors"] == []
    assert payload["recharge"]["channel"] == "BANK_TRANSFER"
    assert payload["recharge"]["remittanceAccount"] == "GENERAL"
    assert payload["recharge"]["remaining"] == {"amount": "500.00"}
    assert await allocatable(client, token) == "500.00"
    listed = await gql(client, LISTED, token=token)
    assert listed["data"]["recharges"]["nodes"] == [
        {
            "id": payload["recharge"]["id"],
            "channel": "BANK_TRANSFER",
            "remittanceAccount": "GENERAL",
        }
    ]
    stored = await reread(session, Recharge, from_global_id(payload["recharge"]["id"])[1])
    assert stored.partner_id == partner.id
    assert stored.remittance_account is RemittanceAccountKind.GENERAL
    await assert_books_balance(session)


async def test_a_transfer_to_the_dedicated_account_says_so(client, session, world):
    partner, token, platform = world

    body = await gql(client, TRANSFER, transfer_input(partner), token=platform)

    assert body["data"]["recordBankTransfer"]["recharge"]["remittanceAccount"] == "DEDICATED"
    assert await allocatable(client, token) == "500.00"


async def test_an_online_recharge_has_no_remittance_account(client, session, world):
    partner, token, _platform = world
    await recharge(session, partner, "10.00")

    listed = await gql(client, LISTED, token=token)

    assert [n["remittanceAccount"] for n in listed["data"]["recharges"]["nodes"]] == [None]


async def test_the_general_account_needs_the_partner(client, session, world):
    # given
    partner, token, platform = world
    variables = general(partner)
    del variables["input"]["partnerId"]

    # when
    body = await gql(client, TRANSFER, variables, token=platform)

    # then: refused, nothing stored, not even the key
    assert errors_of(body, "recordBankTransfer") == [("INVALID_INPUT", ["input", "partnerId"])]
    assert await count(session, Recharge) == 0
    assert await count(session, LedgerEntry) == 0
    assert await count(session, IdempotencyKey) == 0
    # the corrected call with the same key goes through
    fixed = await gql(client, TRANSFER, general(partner), token=platform)
    assert fixed["data"]["recordBankTransfer"]["userErrors"] == []
    assert await allocatable(client, token) == "500.00"


@pytest.mark.parametrize("bad_id", ["missing", "not-a-partner", "malformed"])
async def test_the_general_account_with_an_unknown_partner(client, session, world, bad_id):
    partner, _token, platform = world
    customer = await make_customer(session, partner)
    partner_gid = {
        "missing": global_id("Partner", 999_999),
        "not-a-partner": global_id("Customer", customer.id),
        "malformed": "%%%",
    }[bad_id]

    body = await gql(client, TRANSFER, general(partner, partner_gid=partner_gid), token=platform)

    assert errors_of(body, "recordBankTransfer") == [("NOT_FOUND", ["input", "partnerId"])]
    assert await count(session, Recharge) == 0


async def test_a_dedicated_account_cannot_be_credited_to_another_partner(client, session, world):
    partner, token, platform = world
    other = await make_partner(session)
    variables = transfer_input(partner)
    variables["input"]["partnerId"] = global_id("Partner", other.id)

    body = await gql(client, TRANSFER, variables, token=platform)

    assert errors_of(body, "recordBankTransfer") == [("INVALID_INPUT", ["input", "partnerId"])]
    assert await count(session, Recharge) == 0
    # naming its own partner is fine
    variables["input"]["partnerId"] = global_id("Partner", partner.id)
    ok = await gql(client, TRANSFER, variables, token=platform)
    assert ok["data"]["recordBankTransfer"]["userErrors"] == []
    assert await allocatable(client, token) == "500.00"


async def test_a_general_transfer_is_recorded_once_per_bank_reference(client, session, world):
    # given
    partner, token, platform = world
    other = await make_partner(session)
    first = await gql(client, TRANSFER, general(partner, key="a"), token=platform)

    # when: reported again, then reported as another partner's
    again = await gql(client, TRANSFER, general(partner, key="b"), token=platform)
    elsewhere = await gql(client, TRANSFER, general(other, key="c"), token=platform)

    # then
    assert (
        again["data"]["recordBankTransfer"]["recharge"]["id"]
        == first["data"]["recordBankTransfer"]["recharge"]["id"]
    )
    assert errors_of(elsewhere, "recordBankTransfer") == [
        ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
    ]
    assert await allocatable(client, token) == "500.00"
    await assert_books_balance(session)


async def test_a_general_transfer_keeps_the_bank_transfer_window(client, session, frozen_clock):
    # given: a HUAWEI_CLOUD_COMPUTING partner, whose bank transfers go back by original
    # route at any age
    partner, token = await windowed_world(session, HUAWEI)
    platform = await platform_token(session)
    body = await gql(client, TRANSFER, general(partner, amount="1000.00"), token=platform)
    recharge_id = body["data"]["recordBankTransfer"]["recharge"]["id"]
    frozen_clock.set(NOW + timedelta(days=800))

    # when
    by_card = await gql(client, REQUEST, request_input(amount="1.00"), token=token)

    # then
    assert withdrawal_errors(by_card, "requestWithdrawal") == [
        ("ROUTE_REQUIRED", ["input", "route"])
    ]
    window = await gql(client, RECHARGE, {"id": recharge_id}, token=token)
    assert window["data"]["node"]["mustUseOriginalRoute"] is True
    stored = await reread(session, Recharge, from_global_id(recharge_id)[1])
    back = await gql(client, REQUEST, original_route(stored, "1.00"), token=token)
    assert back["data"]["requestWithdrawal"]["userErrors"] == []
    await assert_books_balance(session)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.SALES, Role.VIEWER])
async def test_the_partner_sees_both_accounts(client, session, role):
    # given
    partner = await make_partner(session)
    await make_partner(session)  # another partner's dedicated account is never shown
    token = await token_for(session, await make_user(session, partner, role))
    settings = get_settings()

    # when
    body = await gql(client, ACCOUNTS, token=token)

    # then
    assert body["data"]["remittanceAccounts"] == [
        {
            "kind": "DEDICATED",
            "accountNumber": partner.remittance_account_number,
            "bankName": settings.remittance_bank_name,
            "accountHolder": settings.remittance_account_holder,
            "requiredRemark": None,
        },
        {
            "kind": "GENERAL",
            "accountNumber": settings.general_remittance_account_number,
            "bankName": settings.remittance_bank_name,
            "accountHolder": settings.remittance_account_holder,
            "requiredRemark": partner.remittance_account_number,
        },
    ]


async def test_a_customer_does_not_read_the_partners_remittance_accounts(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)

    body = await gql(client, ACCOUNTS, token=await customer_token(session, customer))

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
