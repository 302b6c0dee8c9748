"""`deleteWithdrawal`: only a rejected withdrawal can be deleted."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import (
    gql,
    make_partner,
    make_user,
    token_for,
)
from tests.funds.helpers import assert_books_balance, recharge
from tests.funds.withdrawal_helpers import (
    BANK,
    WITHDRAWAL,
    WITHDRAWALS,
    account,
    card,
    errors_of,
    in_state,
    request_input,
    requested,
)

DELETE = """
mutation Delete($input: DeleteWithdrawalInput!) {
  deleteWithdrawal(input: $input) {
    deletedWithdrawalId
    userErrors { code field message }
  }
}
"""


async def test_a_rejected_withdrawal_can_be_deleted(client, session, world):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    kept = await requested(client, token, request_input(amount="100.00"))
    rejected = await in_state(client, token, platform, "REJECTED", request_input(amount="300.00"))

    # when
    body = await gql(client, DELETE, {"input": {"withdrawalId": rejected["id"]}}, token=token)

    # then
    assert body["data"]["deleteWithdrawal"] == {
        "deletedWithdrawalId": rejected["id"],
        "userErrors": [],
    }
    listed = await gql(client, WITHDRAWALS, token=token)
    assert [n["id"] for n in listed["data"]["withdrawals"]["nodes"]] == [kept["id"]]
    assert listed["data"]["withdrawals"]["totalCount"] == 1
    node = await gql(client, WITHDRAWAL, {"id": rejected["id"]}, token=token)
    assert node["data"]["node"] is None
    again = await gql(client, DELETE, {"input": {"withdrawalId": rejected["id"]}}, token=token)
    assert errors_of(again, "deleteWithdrawal") == [("NOT_FOUND", ["input", "withdrawalId"])]
    # deleting moves no money
    money = await account(client, token)
    assert (money["allocatable"], money["held"]) == ("900.00", "100.00")
    await assert_books_balance(session)


@pytest.mark.parametrize("status", ["SUBMITTED", "APPROVED", "PAID"])
async def test_only_a_rejected_withdrawal_can_be_deleted(client, session, world, status):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, status, request_input(amount="300.00"))

    # when
    body = await gql(client, DELETE, {"input": {"withdrawalId": withdrawal["id"]}}, token=token)

    # then
    assert errors_of(body, "deleteWithdrawal") == [("INVALID_STATE", ["input", "withdrawalId"])]
    listed = await gql(client, WITHDRAWALS, token=token)
    assert [n["id"] for n in listed["data"]["withdrawals"]["nodes"]] == [withdrawal["id"]]


async def test_another_partners_withdrawal_is_not_found(client, session, world):
    # given
    _partner, token, platform = world
    other = await make_partner(session, certified_company_name="Other Co.")
    other_token = await token_for(session, await make_user(session, other, Role.FINANCE))
    await recharge(session, other, "1000.00", channel=BANK)
    theirs = await in_state(
        client,
        other_token,
        platform,
        "REJECTED",
        request_input(amount="300.00", bankCard=card("Other Co.")),
    )

    # when
    body = await gql(client, DELETE, {"input": {"withdrawalId": theirs["id"]}}, token=token)

    # then
    assert errors_of(body, "deleteWithdrawal") == [("NOT_FOUND", ["input", "withdrawalId"])]
    mine = await gql(client, WITHDRAWALS, token=token)
    assert mine["data"]["withdrawals"]["nodes"] == []
    node = await gql(client, WITHDRAWAL, {"id": theirs["id"]}, token=token)
    assert node["data"]["node"] is None
    still = await gql(client, WITHDRAWALS, token=other_token)
    assert [n["id"] for n in still["data"]["withdrawals"]["nodes"]] == [theirs["id"]]


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_funds_rights_cannot_delete(client, session, world, role):
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    rejected = await in_state(client, token, platform, "REJECTED", request_input(amount="300.00"))
    user_token = await token_for(session, await make_user(session, partner, role))

    body = await gql(client, DELETE, {"input": {"withdrawalId": rejected["id"]}}, token=user_token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await gql(client, WITHDRAWALS, token=token)
    assert [n["id"] for n in listed["data"]["withdrawals"]["nodes"]] == [rejected["id"]]
