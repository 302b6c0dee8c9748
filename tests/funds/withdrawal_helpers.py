"""Documents and helpers shared by the withdrawal tests."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from app.models.funds.enums import RechargeChannel
from app.models.partners.enums import ContractingEntity, Role
from tests.factories import (
    global_id,
    gql,
    make_partner,
    make_user,
    token_for,
)

REQUEST = """
mutation Request($input: RequestWithdrawalInput!) {
  requestWithdrawal(input: $input) {
    withdrawal {
      id route status amount { amount currency } rejectReason createdAt reviewedAt paidAt
      bankCard { holder bankName cardNumber }
      recharge { id remaining { amount } }
    }
    userErrors { code field message }
  }
}
"""


APPROVE = """
mutation Approve($input: ApproveWithdrawalInput!) {
  approveWithdrawal(input: $input) {
    withdrawal { id status reviewedAt paidAt }
    userErrors { code field message }
  }
}
"""


REJECT = """
mutation Reject($input: RejectWithdrawalInput!) {
  rejectWithdrawal(input: $input) {
    withdrawal { id status rejectReason reviewedAt }
    userErrors { code field message }
  }
}
"""


MARK_PAID = """
mutation Paid($input: MarkWithdrawalPaidInput!) {
  markWithdrawalPaid(input: $input) {
    withdrawal { id status paidAt }
    userErrors { code field message }
  }
}
"""


WITHDRAWALS = """
query { withdrawals(first: 100) { totalCount nodes { id status route amount { amount } } } }
"""


ACCOUNT = """
query {
  viewer { partner { account {
    balance { amount } allocatable { amount } held { amount } incentive { amount }
    withdrawable {
      total { amount } originalRouteOnly { amount } bankCard { amount } incentive { amount }
    }
  } } }
}
"""


RECHARGE = """
query Recharge($id: ID!) {
  node(id: $id) {
    ... on Recharge { remaining { amount } originalRouteUntil mustUseOriginalRoute }
  }
}
"""


WITHDRAWAL = """
query Withdrawal($id: ID!) { node(id: $id) { id ... on Withdrawal { status } } }
"""


ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) { userErrors { code field } }
}
"""


HOLDER = "Acme Cloud Co., Ltd."


HUAWEI = ContractingEntity.HUAWEI_CLOUD_COMPUTING


ALIPAY = RechargeChannel.ALIPAY


WECHAT = RechargeChannel.WECHAT


BANK = RechargeChannel.BANK_TRANSFER


_keys = count(1)


def card(holder=HOLDER, number="6222 0212 3456 7890", bank="ICBC Hangzhou"):
    return {"holder": holder, "bankName": bank, "cardNumber": number}


def request_input(route="BANK_CARD", amount="100.00", key=None, **extra):
    if route == "BANK_CARD" and "bankCard" not in extra:
        extra["bankCard"] = card()
    return {
        "input": {
            "route": route,
            "amount": amount,
            "idempotencyKey": key or f"w-{next(_keys)}",
            **extra,
        }
    }


def original_route(recharge_row, amount, key=None):
    return request_input(
        "ORIGINAL_ROUTE", amount, key, rechargeId=global_id("Recharge", recharge_row.id)
    )


def review_input(withdrawal_id, key=None, **extra):
    return {"input": {"withdrawalId": withdrawal_id, "idempotencyKey": key or "r-1", **extra}}


def errors_of(body, field):
    return [(e["code"], e["field"]) for e in body["data"][field]["userErrors"]]


async def account(client, token) -> dict[str, str]:
    body = await gql(client, ACCOUNT, token=token)
    raw = body["data"]["viewer"]["partner"]["account"]
    w = raw["withdrawable"]
    return {
        "balance": raw["balance"]["amount"],
        "allocatable": raw["allocatable"]["amount"],
        "held": raw["held"]["amount"],
        "incentive": raw["incentive"]["amount"],
        "total": w["total"]["amount"],
        "originalRouteOnly": w["originalRouteOnly"]["amount"],
        "bankCard": w["bankCard"]["amount"],
        "incentiveWithdrawable": w["incentive"]["amount"],
    }


async def remaining(client, token, recharge_row) -> str:
    body = await gql(client, RECHARGE, {"id": global_id("Recharge", recharge_row.id)}, token=token)
    return body["data"]["node"]["remaining"]["amount"]


async def requested(client, token, variables) -> dict:
    body = await gql(client, REQUEST, variables, token=token)
    payload = body["data"]["requestWithdrawal"]
    assert payload["userErrors"] == []
    return payload["withdrawal"]


async def review(client, platform, document, withdrawal_id, key, **extra) -> dict:
    body = await gql(client, document, review_input(withdrawal_id, key, **extra), token=platform)
    return next(iter(body["data"].values()))


async def approve(client, platform, withdrawal_id) -> dict:
    body = await gql(client, APPROVE, {"input": {"withdrawalId": withdrawal_id}}, token=platform)
    return body["data"]["approveWithdrawal"]


async def in_state(client, token, platform, status, variables) -> dict:
    """A withdrawal taken through the review to `status`."""
    withdrawal = await requested(client, token, variables)
    wid = withdrawal["id"]
    if status in ("APPROVED", "PAID"):
        assert (await approve(client, platform, wid))["userErrors"] == []
    if status == "PAID":
        paid = await review(client, platform, MARK_PAID, wid, f"paid-{wid}")
        assert paid["userErrors"] == []
    if status == "REJECTED":
        rejected = await review(client, platform, REJECT, wid, f"rej-{wid}", reason="no")
        assert rejected["userErrors"] == []
    return withdrawal


NOW_PLUS_3_MONTHS = datetime(2026, 9, 15, 4, 0, tzinfo=UTC)


async def windowed_world(session, entity):
    partner = await make_partner(session, certified_company_name=HOLDER, contracting_entity=entity)
    finance = await make_user(session, partner, Role.FINANCE)
    return partner, await token_for(session, finance)
