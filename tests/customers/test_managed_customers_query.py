"""A user's `managedCustomers` connection."""

from __future__ import annotations

from app.models.partners.enums import Role
from tests.customers.account_manager_helpers import uid
from tests.factories import (
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)

MANAGED = """
query Managed($first: Int!) {
  partnerUsers(first: 50) {
    nodes { id name managedCustomers(first: $first) { totalCount nodes { id name } } }
  }
}
"""


async def test_managed_customers_connection_without_n_plus_1(
    client, session, statements, frozen_clock
):
    # given managers with 0..5 current customers each, and a former customer
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    managers = [await make_user(session, partner, Role.SALES) for _ in range(6)]
    for i, manager in enumerate(managers):
        for _ in range(i):
            await make_customer(session, partner, manager=manager)
    await make_customer(session, partner, manager=managers[1], ended_at=frozen_clock.now())
    token = await token_for(session, admin)
    await gql(client, MANAGED, {"first": 1}, token=token)

    counts = {}
    for first in (2, 10):
        statements.reset()
        statements.active = True
        body = await gql(client, MANAGED, {"first": first}, token=token)
        statements.active = False
        assert "errors" not in body, body
        counts[first] = statements.count
        by_user = {n["id"]: n["managedCustomers"] for n in body["data"]["partnerUsers"]["nodes"]}
        for i, manager in enumerate(managers):
            assert by_user[uid(manager)]["totalCount"] == i
            assert len(by_user[uid(manager)]["nodes"]) == min(i, first)

    assert counts[2] == counts[10], statements.statements


async def test_managed_customers_follow_the_callers_scope(client, session):
    # a SALES user sees only its own managed customers, even under a colleague
    partner = await make_partner(session)
    me, colleague = (
        await make_user(session, partner, Role.SALES),
        await make_user(session, partner, Role.SALES),
    )
    await make_customer(session, partner, manager=me)
    await make_customer(session, partner, manager=colleague)

    body = await gql(client, MANAGED, {"first": 10}, token=await token_for(session, me))

    totals = {
        n["id"]: n["managedCustomers"]["totalCount"] for n in body["data"]["partnerUsers"]["nodes"]
    }
    assert totals[uid(me)] == 1
    assert totals[uid(colleague)] == 0
