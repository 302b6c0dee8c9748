"""markPartnerNotificationsRead: by ids and/or up to one; per user; audited; refusals change
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, PartnerNotificationRead
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.models.partners.enums import Role
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
from tests.partners.notification_helpers import MARK, make_notification, mark, nid, notifications


@pytest.fixture
async def world(session, frozen_clock):
    partner = await make_partner(session)
    user = await make_user(session, partner, Role.FINANCE)
    start = frozen_clock.now() - timedelta(hours=10)
    rows = [
        await make_notification(session, partner, at=start + timedelta(hours=i)) for i in range(5)
    ]
    return partner, user, await token_for(session, user), rows


async def _reads(session, user) -> set[int]:
    found = await session.scalars(
        select(PartnerNotificationRead.notification_id).where(
            PartnerNotificationRead.user_id == user.id
        )
    )
    return set(found)


async def test_marking_by_ids(client, session, world):
    # given
    _partner, user, token, rows = world

    # when
    payload = await mark(client, token, ids=[nid(rows[0]), nid(rows[3])])

    # then
    assert payload["userErrors"] == []
    assert payload["markedCount"] == 2 and payload["unreadCount"] == 3
    assert [(n["id"], n["isRead"]) for n in payload["notifications"]] == [
        (nid(rows[0]), True),
        (nid(rows[3]), True),
    ]
    assert await _reads(session, user) == {rows[0].id, rows[3].id}
    unread = await notifications(client, token, filter={"unread": True})
    assert [n["id"] for n in unread["partnerNotifications"]["nodes"]] == [
        nid(rows[4]),
        nid(rows[2]),
        nid(rows[1]),
    ]
    read = await notifications(client, token, filter={"unread": False})
    assert read["partnerNotifications"]["totalCount"] == 2


async def test_marking_all_up_to_one_leaves_newer_ones_unread(client, session, world):
    _partner, user, token, rows = world

    payload = await mark(client, token, upToId=nid(rows[2]))

    assert payload["markedCount"] == 3 and payload["unreadCount"] == 2
    assert payload["notifications"] == []
    assert await _reads(session, user) == {rows[0].id, rows[1].id, rows[2].id}


async def test_ids_and_up_to_together_and_again(client, session, world):
    _partner, user, token, rows = world

    first = await mark(client, token, ids=[nid(rows[4])], upToId=nid(rows[1]))
    again = await mark(client, token, ids=[nid(rows[4])], upToId=nid(rows[1]))

    assert first["markedCount"] == 3
    assert again["markedCount"] == 0 and again["userErrors"] == []
    assert again["notifications"][0]["readAt"] == first["notifications"][0]["readAt"]
    assert await _reads(session, user) == {rows[0].id, rows[1].id, rows[4].id}
    events = await session.scalars(
        select(AuditEvent).where(AuditEvent.action == "partner_notification.mark_read")
    )
    assert [e.after["marked"] for e in events] == [3, 0]


async def test_read_state_is_per_user(client, session, world):
    partner, _user, token, rows = world
    colleague = await token_for(session, await make_user(session, partner, Role.ADMIN))

    await mark(client, token, upToId=nid(rows[4]))

    assert (await notifications(client, token))["partnerNotificationUnreadCount"] == 0
    assert (await notifications(client, colleague))["partnerNotificationUnreadCount"] == 5


async def test_nothing_to_mark_is_invalid_input(client, session, world):
    _partner, _user, token, _rows = world

    payload = await mark(client, token, ids=[])

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input"])
    ]
    assert payload["unreadCount"] is None


async def test_more_than_a_hundred_ids_is_invalid_input(client, session, world):
    _partner, _user, token, rows = world

    payload = await mark(client, token, ids=[nid(rows[0])] * 101)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input", "ids"])
    ]


async def test_an_unknown_or_foreign_id_refuses_the_whole_call(client, session, world):
    # given a notification of another partner, and of a customer SALES doesn't manage
    _partner, user, token, rows = world
    foreign = await make_notification(session, await make_partner(session))

    # when
    payload = await mark(
        client,
        token,
        ids=[nid(rows[0]), nid(foreign), "garbage", global_id("Customer", rows[1].id)],
        upToId=global_id("PartnerNotification", 10**9),
    )

    # then nothing is marked, and each bad id is named
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "ids", "1"]),
        ("NOT_FOUND", ["input", "ids", "2"]),
        ("NOT_FOUND", ["input", "ids", "3"]),
        ("NOT_FOUND", ["input", "upToId"]),
    ]
    assert await _reads(session, user) == set()


async def test_sales_cannot_mark_what_it_cannot_see(client, session):
    partner = await make_partner(session)
    sales_user = await make_user(session, partner, Role.SALES)
    unmanaged = await make_notification(
        session, partner, Kind.DISASSOCIATION_REQUESTED, await make_customer(session, partner)
    )
    own = await make_notification(session, partner)
    token = await token_for(session, sales_user)

    refused = await mark(client, token, ids=[nid(unmanaged)])
    up_to = await mark(client, token, upToId=nid(own))

    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    assert up_to["markedCount"] == 1  # the unmanaged one, older, stays untouched
    assert await _reads(session, sales_user) == {own.id}


@pytest.mark.parametrize("who", ["customer", "platform"])
async def test_customers_and_the_platform_cannot_mark(client, session, world, who):
    partner, _user, _token, rows = world
    customer = await make_customer(session, partner)
    token = (
        await customer_token(session, customer)
        if who == "customer"
        else await platform_token(session)
    )

    body = await gql(client, MARK, {"input": {"ids": [nid(rows[0])]}}, token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
