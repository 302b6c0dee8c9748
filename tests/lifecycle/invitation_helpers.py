"""Documents and helpers shared by the invitation tests."""

from __future__ import annotations

from app.models import Invitation
from tests.factories import global_id

RESEND = """
mutation Resend($id: ID!) {
  resendInvitation(input: {id: $id}) {
    invitation { id status sendCount expiresAt }
    invitationLink
    userErrors { code field message }
  }
}
"""


REVOKE = """
mutation Revoke($id: ID!) {
  revokeInvitation(input: {id: $id}) {
    invitation { id status revokedAt }
    userErrors { code field message }
  }
}
"""


EVERY_FIELD = """
query Every($id: ID!) {
  node(id: $id) {
    ... on Invitation {
      id channel associationType companyName contactName recipientEmail recipientPhone
      status createdAt sentAt sendCount expiresAt acceptedAt revokedAt
    }
  }
}
"""


def iid(invitation: Invitation) -> str:
    return global_id("Invitation", invitation.id)
