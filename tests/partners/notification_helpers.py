"""Documents and helpers shared by the partner-notification tests."""

from __future__ import annotations

from typing import Any

from tests.factories import global_id, gql

NOTIFICATIONS = """
query($filter: PartnerNotificationFilter, $first: Int, $after: String) {
  partnerNotifications(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id kind message details subjectId isRead readAt createdAt
      customer { id name }
    }
  }
  partnerNotificationUnreadCount
}
"""
MARK = """
mutation($input: MarkPartnerNotificationsReadInput!) {
  markPartnerNotificationsRead(input: $input) {
    notifications { id isRead readAt }
    markedCount
    unreadCount
    userErrors { code field message }
  }
}
"""


async def notifications(client, token: str, **variables: Any) -> dict[str, Any]:
    body = await gql(client, NOTIFICATIONS, variables, token=token)
    assert "errors" not in body, body
    return body["data"]


async def kinds(client, token: str) -> list[str]:
    data = await notifications(client, token, first=100)
    return [n["kind"] for n in data["partnerNotifications"]["nodes"]]


async def mark(client, token: str, **input: Any) -> dict[str, Any]:
    body = await gql(client, MARK, {"input": input}, token=token)
    assert "errors" not in body, body
    return body["data"]["markPartnerNotificationsRead"]


def nid(row) -> str:
    return global_id("PartnerNotification", row.id)


async def make_notification(session, partner, kind=None, customer=None, at=None):
    """A notification row as a domain's `notify` writes it."""
    from app import clock
    from app.models import PartnerNotification
    from app.models.partners.enums import PartnerNotificationKind

    row = PartnerNotification(
        partner_id=partner.id,
        customer_id=customer.id if customer is not None else None,
        kind=kind or PartnerNotificationKind.CERTIFICATION_EXPIRING,
        subject_type="Customer" if customer is not None else "Partner",
        subject_id=customer.id if customer is not None else partner.id,
        payload={"customerName": customer.name} if customer is not None else {},
        created_at=at or clock.now(),
    )
    session.add(row)
    await session.flush()
    return row
