"""N+1 guard of the notification list: the customers of a page come in one batch."""

from __future__ import annotations

from app.models.partners.enums import PartnerNotificationKind as Kind
from app.models.partners.enums import Role
from tests.factories import gql, make_customer, make_partner, make_user, token_for
from tests.partners.notification_helpers import make_notification

SCREEN = """
query($first: Int!) {
  partnerNotifications(first: $first) {
    totalCount
    nodes { id kind message isRead subjectId customer { id name accountManager { name } } }
  }
  partnerNotificationUnreadCount
}
"""


async def test_the_statement_count_does_not_grow_with_the_page(client, session, statements):
    # given 60 notifications about 30 customers with managers
    partner = await make_partner(session)
    managers = [await make_user(session, partner, Role.SALES) for _ in range(3)]
    customers = [await make_customer(session, partner, manager=managers[i % 3]) for i in range(30)]
    for i in range(60):
        await make_notification(session, partner, Kind.AUTHORIZATION_APPROVED, customers[i % 30])
    admin = await make_user(session, partner, Role.ADMIN)
    await gql(client, SCREEN, {"first": 1}, token=await token_for(session, admin))  # warm up

    counts = {}
    for first in (5, 50):
        # when
        token = await token_for(session, admin)
        statements.reset()
        statements.active = True
        body = await gql(client, SCREEN, {"first": first}, token=token)
        statements.active = False

        # then
        assert "errors" not in body, body
        assert len(body["data"]["partnerNotifications"]["nodes"]) == first
        counts[first] = statements.count

    assert counts[5] == counts[50], statements.statements
