"""partnerNotifications: tenant-scoped, SALES limited to the customers it manages, filters,
keyset pages, node(id); customers and the platform have no access."""

from __future__ import annotations

from datetime import timedelta

import pytest

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
from tests.partners.notification_helpers import NOTIFICATIONS, make_notification, nid, notifications

NODE = "query($id: ID!) { node(id: $id) { id ... on PartnerNotification { kind } } }"


async def test_partner_b_never_sees_partner_as_notifications(client, session):
    # given a notification of partner A
    a, b = await make_partner(session), await make_partner(session)
    customer = await make_customer(session, a, name="A's secret customer")
    row = await make_notification(session, a, Kind.INVITATION_ACCEPTED, customer)
    mine = await make_notification(session, b)

    for role in Role:
        token = await token_for(session, await make_user(session, b, role))
        # when B's users read
        data = await notifications(client, token, first=100)
        node = await gql(client, NODE, {"id": nid(row)}, token=token)
        # then only B's, and A's id reads as missing
        assert [n["id"] for n in data["partnerNotifications"]["nodes"]] == [nid(mine)]
        assert data["partnerNotificationUnreadCount"] == 1
        assert node["data"]["node"] is None
    own = await gql(
        client,
        NODE,
        {"id": nid(row)},
        token=await token_for(session, await make_user(session, a, Role.VIEWER)),
    )
    assert own["data"]["node"] == {"id": nid(row), "kind": "INVITATION_ACCEPTED"}


async def test_sales_sees_its_customers_and_the_partners_own_notifications(client, session):
    # given notifications about a customer SALES manages, one it doesn't, and none
    partner = await make_partner(session)
    sales_user = await make_user(session, partner, Role.SALES)
    managed = await make_customer(session, partner, manager=sales_user)
    other = await make_customer(session, partner)
    about_managed = await make_notification(
        session, partner, Kind.DISASSOCIATION_REQUESTED, managed
    )
    await make_notification(session, partner, Kind.DISASSOCIATION_REQUESTED, other)
    about_partner = await make_notification(session, partner, Kind.CERTIFICATION_EXPIRING)
    sales = await token_for(session, sales_user)

    # when SALES reads
    data = await notifications(client, sales, first=10)

    # then the other customer's notification is invisible (list, count and node)
    ids = {n["id"] for n in data["partnerNotifications"]["nodes"]}
    assert ids == {nid(about_managed), nid(about_partner)}
    assert data["partnerNotificationUnreadCount"] == 2
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    assert (await notifications(client, admin))["partnerNotificationUnreadCount"] == 3


async def test_sales_allowed_all_customers_sees_all(client, session):
    partner = await make_partner(session, sales_see_all_customers=True)
    sales = await token_for(session, await make_user(session, partner, Role.SALES))
    await make_notification(
        session, partner, Kind.AUTHORIZATION_REVOKED, await make_customer(session, partner)
    )

    data = await notifications(client, sales)

    assert data["partnerNotificationUnreadCount"] == 1


async def test_filters_and_keyset_pages(client, session, frozen_clock):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    start = frozen_clock.now() - timedelta(days=10)
    rows = [
        await make_notification(
            session,
            partner,
            Kind.AUTHORIZATION_APPROVED if i % 2 else Kind.CERTIFICATION_EXPIRING,
            customer if i % 2 else None,
            at=start + timedelta(days=i),
        )
        for i in range(6)
    ]
    token = await token_for(session, await make_user(session, partner, Role.VIEWER))

    first = (await notifications(client, token, first=4))["partnerNotifications"]
    rest = (await notifications(client, token, first=4, after=first["pageInfo"]["endCursor"]))[
        "partnerNotifications"
    ]
    by_kind = await notifications(
        client, token, filter={"kinds": ["AUTHORIZATION_APPROVED"]}, first=10
    )
    by_customer = await notifications(
        client, token, filter={"customerId": global_id("Customer", customer.id)}
    )
    between = await notifications(
        client,
        token,
        filter={
            "createdBetween": {
                "from": (start + timedelta(days=1)).isoformat(),
                "to": (start + timedelta(days=3)).isoformat(),
            }
        },
    )

    newest_first = [nid(r) for r in reversed(rows)]
    assert [n["id"] for n in first["nodes"]] + [n["id"] for n in rest["nodes"]] == newest_first
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert first["totalCount"] == 6
    assert [n["id"] for n in by_kind["partnerNotifications"]["nodes"]] == [
        nid(rows[5]),
        nid(rows[3]),
        nid(rows[1]),
    ]
    assert by_customer["partnerNotifications"]["totalCount"] == 3
    assert [n["id"] for n in between["partnerNotifications"]["nodes"]] == [
        nid(rows[2]),
        nid(rows[1]),
    ]


async def test_a_malformed_customer_filter_is_a_bad_request(client, session):
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    body = await gql(client, NOTIFICATIONS, {"filter": {"customerId": "nope"}}, token=token)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("who", ["customer", "platform"])
async def test_customers_and_the_platform_have_no_partner_notifications(client, session, who):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    await make_notification(session, partner, Kind.INVITATION_ACCEPTED, customer)
    token = (
        await customer_token(session, customer)
        if who == "customer"
        else await platform_token(session)
    )

    body = await gql(client, NOTIFICATIONS, token=token)

    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}


async def test_the_outbox_stays_the_platforms(client, session):
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, Role.ADMIN))

    body = await gql(client, "{ notifications(first: 5) { totalCount } }", token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
