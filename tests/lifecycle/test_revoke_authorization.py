"""`revokeAuthorization`: either side revokes, inside its tenant."""

from __future__ import annotations

from tests.factories import (
    customer_token,
    gql,
    make_customer,
    make_partner,
)
from tests.lifecycle.authorization_helpers import LIST, aid
from tests.lifecycle.factories import make_authorization

REVOKE = """
mutation Revoke($id: ID!) {
  revokeAuthorization(input: {id: $id}) {
    authorization { id status revokedBy }
    userErrors { code field message }
  }
}
"""


async def test_either_side_revokes(client, session, partner, admin):
    customer = await make_customer(session, partner)
    by_partner = await make_authorization(session, customer)
    by_customer = await make_authorization(session, customer, operations=True, proxy_order=False)

    partner_side = await gql(client, REVOKE, {"id": aid(by_partner)}, token=admin)
    customer_side = await gql(
        client, REVOKE, {"id": aid(by_customer)}, token=await customer_token(session, customer)
    )
    again = await gql(client, REVOKE, {"id": aid(by_partner)}, token=admin)

    assert partner_side["data"]["revokeAuthorization"]["authorization"]["revokedBy"] == (
        "PARTNER_USER"
    )
    assert customer_side["data"]["revokeAuthorization"]["authorization"]["revokedBy"] == "CUSTOMER"
    assert again["data"]["revokeAuthorization"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_tenant_isolation(client, session, admin):
    theirs = await make_authorization(
        session, await make_customer(session, await make_partner(session))
    )

    revoke = await gql(client, REVOKE, {"id": aid(theirs)}, token=admin)
    listed = await gql(client, LIST, {}, token=admin)
    node = await gql(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": aid(theirs)}, token=admin
    )

    assert revoke["data"]["revokeAuthorization"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert listed["data"]["authorizations"]["totalCount"] == 0
    assert node["data"]["node"] is None
