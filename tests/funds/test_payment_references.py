"""`payment_references`: a payment reference confirms one recharge, whatever partner."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.globalid import from_global_id
from app.models import PaymentReference, Recharge
from app.models.funds.enums import RechargeChannel, RechargeStatus
from app.models.partners.enums import Role
from app.services.funds import recharges
from tests.factories import gql, make_partner, make_user, platform_token, token_for
from tests.funds.helpers import assert_books_balance
from tests.funds.recharge_helpers import (
    BANK_TRANSFER,
    CONFIRM,
    allocatable,
    confirm_input,
    errors_of,
    order,
    transfer_input,
)
from tests.rows import reread


async def owner(session, channel, reference):
    row = await session.get(PaymentReference, (channel, reference), populate_existing=True)
    return None if row is None else (row.partner_id, row.recharge_id)


@pytest.fixture
async def two_partners(session):
    worlds = []
    for _ in range(2):
        partner = await make_partner(session)
        finance = await make_user(session, partner, Role.FINANCE)
        worlds.append((partner, await token_for(session, finance)))
    return worlds, await platform_token(session)


def rid(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def test_a_confirmation_holds_its_reference(client, session, two_partners):
    [(partner, token), _], platform = two_partners
    ordered = await order(client, token)

    body = await gql(client, CONFIRM, confirm_input(ordered["id"]), token=platform)

    assert errors_of(body, "confirmRechargePayment") == []
    assert await owner(session, RechargeChannel.ALIPAY, "pay-1") == (partner.id, rid(ordered["id"]))


async def test_a_bank_transfer_holds_its_reference(client, session, two_partners):
    [(partner, _), _], platform = two_partners

    body = await gql(client, BANK_TRANSFER, transfer_input(partner), token=platform)

    assert errors_of(body, "recordBankTransfer") == []
    recharge_id = rid(body["data"]["recordBankTransfer"]["recharge"]["id"])
    assert await owner(session, RechargeChannel.BANK_TRANSFER, "bank-1") == (
        partner.id,
        recharge_id,
    )


async def test_another_partners_reference_is_refused_as_before(client, session, two_partners):
    [(_, first), (_, second)], platform = two_partners
    a, b = await order(client, first), await order(client, second)
    await gql(client, CONFIRM, confirm_input(a["id"]), token=platform)

    body = await gql(client, CONFIRM, confirm_input(b["id"], key="p-2"), token=platform)

    assert errors_of(body, "confirmRechargePayment") == [
        ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
    ]
    assert await allocatable(client, second) == "0.00"


async def test_a_racing_confirmation_loses_on_the_platform_key(
    client, session, two_partners, monkeypatch
):
    # given the first confirmation's reference, not yet seen by the second's check (the
    # race, as it happens on PostgreSQL, played sequentially)
    [(_, first), (_, second)], platform = two_partners
    a, b = await order(client, first), await order(client, second)
    await gql(client, CONFIRM, confirm_input(a["id"]), token=platform)

    async def unseen(*_args):
        return None

    monkeypatch.setattr(recharges, "reference_taken", unseen)

    # when the second confirms the same reference
    body = await gql(client, CONFIRM, confirm_input(b["id"], key="p-2"), token=platform)

    # then it gets today's answer and nothing changed
    assert errors_of(body, "confirmRechargePayment") == [
        ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
    ]
    loser = await reread(session, Recharge, rid(b["id"]))
    assert (loser.status, loser.payment_reference, loser.transaction_id) == (
        RechargeStatus.PENDING,
        None,
        None,
    )
    assert await allocatable(client, second) == "0.00"
    assert await allocatable(client, first) == "100.00"
    await assert_books_balance(session)


async def test_a_reference_taken_twice_is_refused_at_the_flush(session, two_partners):
    [(first, _), (second, _)], _platform = two_partners
    session.add(
        Recharge(
            partner_id=first.id,
            channel=RechargeChannel.WECHAT,
            amount=Decimal("1.00"),
            status=RechargeStatus.CONFIRMED,
            payment_reference="wx-1",
        )
    )
    await session.flush()

    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(
                Recharge(
                    partner_id=second.id,
                    channel=RechargeChannel.WECHAT,
                    amount=Decimal("1.00"),
                    status=RechargeStatus.CONFIRMED,
                    payment_reference="wx-1",
                )
            )
            await session.flush()

    same = select(Recharge.partner_id).where(Recharge.payment_reference == "wx-1")
    assert (await session.scalars(same)).all() == [first.id]


async def test_the_same_reference_on_another_channel_is_another_key(session, two_partners):
    [(first, _), (second, _)], _platform = two_partners
    for partner, channel in ((first, RechargeChannel.WECHAT), (second, RechargeChannel.ALIPAY)):
        session.add(
            Recharge(
                partner_id=partner.id,
                channel=channel,
                amount=Decimal("1.00"),
                status=RechargeStatus.CONFIRMED,
                payment_reference="ref-9",
            )
        )
    await session.flush()

    assert (await owner(session, RechargeChannel.WECHAT, "ref-9"))[0] == first.id
    assert (await owner(session, RechargeChannel.ALIPAY, "ref-9"))[0] == second.id
