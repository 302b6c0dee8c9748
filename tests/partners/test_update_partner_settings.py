"""`updatePartnerSettings`: letting sales see every customer."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent
from app.models.partners.enums import Role
from tests.customers.account_manager_helpers import SETTINGS
from tests.factories import (
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)

CUSTOMERS = "{ customers(first: 50) { totalCount } }"


async def test_sales_sees_all_customers_when_the_partner_allows_it(client, session):
    # given a SALES user who manages one of three customers
    partner = await make_partner(session)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    sales_user = await make_user(session, partner, Role.SALES)
    sales = await token_for(session, sales_user)
    await make_customer(session, partner, manager=sales_user)
    await make_customer(session, partner)
    await make_customer(session, partner)

    before = await gql(client, CUSTOMERS, token=sales)
    allowed = await gql(client, SETTINGS, {"value": True}, token=admin)
    after = await gql(client, CUSTOMERS, token=sales)
    invalid = await gql(client, SETTINGS, {"value": None}, token=admin)

    assert before["data"]["customers"]["totalCount"] == 1
    assert allowed["data"]["updatePartnerSettings"]["partner"]["salesSeeAllCustomers"] is True
    assert after["data"]["customers"]["totalCount"] == 3
    assert invalid["data"]["updatePartnerSettings"]["userErrors"][0]["code"] == "INVALID_INPUT"
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "partner.update_settings")
    )
    assert event.before == {"sales_see_all_customers": False}
