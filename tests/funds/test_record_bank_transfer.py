"""`recordBankTransfer`: a bank transfer credits the partner once per bank reference."""

from __future__ import annotations

import pytest

from app.models import IdempotencyKey, LedgerEntry, LedgerTransaction, Recharge
from app.models.partners.enums import Role
from tests.core.input_helpers import assert_malformed_input
from tests.factories import (
    gql,
    make_partner,
    make_user,
    token_for,
)
from tests.funds import recharge_helpers
from tests.funds.helpers import assert_books_balance
from tests.funds.recharge_helpers import (
    BANK_TRANSFER,
    RECHARGES,
    allocatable,
    count,
    errors_of,
    transfer_input,
)

world = recharge_helpers.world  # a fixture shared with the other recharge tests


async def test_bank_transfer_credits_the_partner(client, session, world):
    # given
    partner, token, platform = world

    # when
    body = await gql(
        client, BANK_TRANSFER, transfer_input(partner, amount="500.00"), token=platform
    )

    # then
    payload = body["data"]["recordBankTransfer"]
    assert payload["userErrors"] == []
    assert payload["recharge"]["channel"] == "BANK_TRANSFER"
    assert payload["recharge"]["status"] == "CONFIRMED"
    assert payload["recharge"]["amount"] == {"amount": "500.00"}
    assert payload["recharge"]["paymentReference"] == "bank-1"
    assert payload["recharge"]["paidAt"] == "2026-06-15T04:00:00Z"
    assert payload["recharge"]["remaining"] == {"amount": "500.00"}
    assert await allocatable(client, token) == "500.00"
    listed = await gql(client, RECHARGES, token=token)
    assert [n["id"] for n in listed["data"]["recharges"]["nodes"]] == [payload["recharge"]["id"]]
    await assert_books_balance(session)


async def test_bank_transfer_to_an_unknown_account(client, session, world):
    partner, _token, platform = world
    variables = transfer_input(partner)
    variables["input"]["remittanceAccount"] = "NO-SUCH-ACCOUNT"

    body = await gql(client, BANK_TRANSFER, variables, token=platform)

    assert errors_of(body, "recordBankTransfer") == [("NOT_FOUND", ["input", "remittanceAccount"])]
    assert await count(session, Recharge) == 0
    assert await count(session, LedgerEntry) == 0


async def test_bank_transfer_is_recorded_once_per_bank_reference(client, session, world):
    # given
    partner, token, platform = world
    first = await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)

    # when: the same transfer is reported again under another idempotency key
    again = await gql(client, BANK_TRANSFER, transfer_input(partner, key="b"), token=platform)

    # then
    assert again["data"]["recordBankTransfer"]["userErrors"] == []
    assert (
        again["data"]["recordBankTransfer"]["recharge"]["id"]
        == first["data"]["recordBankTransfer"]["recharge"]["id"]
    )
    assert await allocatable(client, token) == "500.00"
    assert await count(session, Recharge) == 1
    assert await count(session, LedgerTransaction) == 1
    await assert_books_balance(session)


async def test_bank_transfer_replay_by_key(client, session, world):
    partner, token, platform = world
    first = await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)

    again = await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)
    reused = await gql(
        client, BANK_TRANSFER, transfer_input(partner, "bank-2", key="a"), token=platform
    )

    assert (
        again["data"]["recordBankTransfer"]["recharge"]["id"]
        == first["data"]["recordBankTransfer"]["recharge"]["id"]
    )
    assert errors_of(reused, "recordBankTransfer") == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert await allocatable(client, token) == "500.00"


async def test_bank_reference_with_another_amount_or_partner(client, session, world):
    # given
    partner, token, platform = world
    other = await make_partner(session)
    await gql(client, BANK_TRANSFER, transfer_input(partner, key="a"), token=platform)

    # when
    other_amount = await gql(
        client, BANK_TRANSFER, transfer_input(partner, amount="500.01", key="b"), token=platform
    )
    other_partner = await gql(client, BANK_TRANSFER, transfer_input(other, key="c"), token=platform)

    # then
    for body in (other_amount, other_partner):
        assert errors_of(body, "recordBankTransfer") == [
            ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
        ]
    assert await allocatable(client, token) == "500.00"
    assert await count(session, Recharge) == 1
    await assert_books_balance(session)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
async def test_partner_cannot_record_a_bank_transfer(client, session, world, role):
    partner, token, _ = world
    user = await make_user(session, partner, role)

    body = await gql(
        client, BANK_TRANSFER, transfer_input(partner), token=await token_for(session, user)
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await allocatable(client, token) == "0.00"
    assert await count(session, Recharge) == 0


@pytest.mark.parametrize(
    ("amount", "currency", "reference", "code", "field"),
    [
        ("0", "CNY", "b", "INVALID_INPUT", ["input", "amount"]),
        ("-1.00", "CNY", "b", "INVALID_INPUT", ["input", "amount"]),
        ("10000000.01", "CNY", "b", "AMOUNT_LIMITED", ["input", "amount"]),
        ("1.00", "USD", "b", "CURRENCY_NOT_SUPPORTED", ["input", "currency"]),
        ("1.00", "CNY", " ", "INVALID_INPUT", ["input", "paymentReference"]),
    ],
)
async def test_bad_bank_transfers(client, session, world, amount, currency, reference, code, field):
    partner, _token, platform = world

    body = await gql(
        client,
        BANK_TRANSFER,
        transfer_input(partner, reference, amount, currency=currency),
        token=platform,
    )

    assert errors_of(body, "recordBankTransfer")[0] == (code, field)
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


async def test_an_amount_with_three_decimals_is_malformed(client, session, world):
    partner, _token, platform = world

    body = await gql(client, BANK_TRANSFER, transfer_input(partner, "b", "1.001"), token=platform)

    assert_malformed_input(body, "$input", ".amount", "at most 2 decimals")
    assert await count(session, Recharge) == 0
    assert await count(session, IdempotencyKey) == 0


async def test_large_wechat_sized_bank_transfer_is_fine(client, session, world):
    partner, token, platform = world

    body = await gql(
        client, BANK_TRANSFER, transfer_input(partner, amount="9999999.99"), token=platform
    )

    assert body["data"]["recordBankTransfer"]["userErrors"] == []
    assert await allocatable(client, token) == "9999999.99"
    await assert_books_balance(session)
