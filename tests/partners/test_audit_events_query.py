"""auditEvents: a partner reads its own audit log, nothing of other partners."""

from __future__ import annotations

import pytest

from app.models.partners.enums import Role
from tests.factories import global_id, gql, make_customer, make_partner, make_user, token_for

UPDATE = """
mutation($id: ID!, $remark: String!) {
  updateCustomer(input: {id: $id, remark: $remark}) { userErrors { code } }
}
"""
EVENTS = """
query($filter: AuditEventFilter) {
  auditEvents(first: 10, filter: $filter) {
    totalCount
    nodes { action objectType objectId before after requestId actorKind actor { name } }
  }
}
"""


async def test_events_of_my_changes(client, session):
    # given
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)
    customer = await make_customer(session, partner)
    cid = global_id("Customer", customer.id)
    await gql(client, UPDATE, {"id": cid, "remark": "first"}, token=token)
    await gql(client, UPDATE, {"id": cid, "remark": "second"}, token=token)

    # when
    body = await gql(client, EVENTS, {"filter": {"objectId": cid}}, token=token)

    # then
    events = body["data"]["auditEvents"]
    assert events["totalCount"] == 2
    newest = events["nodes"][0]
    assert newest["action"] == "customer.update"
    assert newest["objectId"] == cid
    assert newest["before"]["remark"] == "first"
    assert newest["after"]["remark"] == "second"
    assert newest["actorKind"] == "PARTNER_USER"
    assert newest["actor"]["name"] == admin.name
    assert newest["requestId"]


async def test_other_partners_events_are_invisible(client, session):
    mine, theirs = await make_partner(session), await make_partner(session)
    their_admin = await make_user(session, theirs, Role.ADMIN)
    their_customer = await make_customer(session, theirs)
    await gql(
        client,
        UPDATE,
        {"id": global_id("Customer", their_customer.id), "remark": "x"},
        token=await token_for(session, their_admin),
    )
    my_admin = await make_user(session, mine, Role.ADMIN)

    body = await gql(client, EVENTS, token=await token_for(session, my_admin))

    assert body["data"]["auditEvents"] == {"totalCount": 0, "nodes": []}


@pytest.mark.parametrize("role", [Role.SALES, Role.VIEWER])
async def test_roles_without_the_audit_log(client, session, role):
    partner = await make_partner(session)
    user = await make_user(session, partner, role)

    body = await gql(client, EVENTS, token=await token_for(session, user))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_malformed_object_id(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)

    body = await gql(
        client, EVENTS, {"filter": {"objectId": "%%%"}}, token=await token_for(session, admin)
    )

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
