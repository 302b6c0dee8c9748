"""`unassignAccountManager`."""

from __future__ import annotations

from app.models.partners.enums import Role
from tests.customers.account_manager_helpers import UNASSIGN, cid
from tests.factories import (
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)


async def test_unassign(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    customer = await make_customer(session, partner, manager=sales)

    body = await gql(
        client, UNASSIGN, {"ids": [cid(customer)]}, token=await token_for(session, admin)
    )

    assert body["data"]["unassignAccountManager"]["results"] == [
        {
            "customerId": cid(customer),
            "customer": {"id": cid(customer), "accountManager": None},
            "userErrors": [],
        }
    ]
