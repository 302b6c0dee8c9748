"""auditEvents for the platform: every partner's log, narrowed by `partnerId`; who else may
read it (ADMIN, FINANCE: their own) and who may not (SALES, VIEWER, CUSTOMER)."""

from __future__ import annotations

import pytest

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

UPDATE = """
mutation($id: ID!) { updateCustomer(input: {id: $id, remark: "seen"}) { userErrors { code } } }
"""
EVENTS = """
query($filter: AuditEventFilter) {
  auditEvents(first: 50, filter: $filter) {
    totalCount
    nodes { action objectId partner { id name } actor { name } }
  }
}
"""


@pytest.fixture
async def two_partners(client, session):
    """Partners A and B, each with one customer update in its log."""
    made = []
    for name in ("Audit A", "Audit B"):
        partner = await make_partner(session, name=name)
        admin = await make_user(session, partner, Role.ADMIN)
        customer = await make_customer(session, partner)
        await gql(
            client,
            UPDATE,
            {"id": global_id("Customer", customer.id)},
            token=await token_for(session, admin),
        )
        made.append((partner, customer))
    return made


async def test_the_platform_reads_every_partners_events(client, session, two_partners):
    (_a, a_customer), (_b, b_customer) = two_partners

    body = await gql(
        client,
        EVENTS,
        {"filter": {"actions": ["customer.update"]}},
        token=await platform_token(session),
    )

    nodes = body["data"]["auditEvents"]["nodes"]
    seen = {(n["partner"]["name"], n["objectId"]) for n in nodes}
    assert ("Audit A", global_id("Customer", a_customer.id)) in seen
    assert ("Audit B", global_id("Customer", b_customer.id)) in seen


async def test_the_platform_narrows_to_one_partner(client, session, two_partners):
    (a, a_customer), _b = two_partners

    body = await gql(
        client,
        EVENTS,
        {"filter": {"partnerId": global_id("Partner", a.id)}},
        token=await platform_token(session),
    )

    events = body["data"]["auditEvents"]
    assert events["totalCount"] == 1
    assert events["nodes"][0]["objectId"] == global_id("Customer", a_customer.id)
    assert events["nodes"][0]["partner"]["id"] == global_id("Partner", a.id)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE])
async def test_admin_and_finance_read_only_their_own_even_naming_another(
    client, session, two_partners, role
):
    (a, a_customer), (b, _) = two_partners
    token = await token_for(session, await make_user(session, a, role))

    own = await gql(client, EVENTS, token=token)
    other = await gql(
        client, EVENTS, {"filter": {"partnerId": global_id("Partner", b.id)}}, token=token
    )

    assert [n["objectId"] for n in own["data"]["auditEvents"]["nodes"]] == [
        global_id("Customer", a_customer.id)
    ]
    assert other["data"]["auditEvents"] == {"totalCount": 0, "nodes": []}


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_sales_and_viewer_are_forbidden(client, session, role):
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, role))

    body = await gql(client, EVENTS, token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_customer_is_forbidden(client, session):
    partner = await make_partner(session)
    token = await customer_token(session, await make_customer(session, partner))

    body = await gql(client, EVENTS, token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_malformed_partner_filter_is_a_bad_request(client, session):
    body = await gql(
        client, EVENTS, {"filter": {"partnerId": "%%%"}}, token=await platform_token(session)
    )

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
