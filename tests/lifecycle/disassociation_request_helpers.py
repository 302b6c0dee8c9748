"""Documents and helpers shared by the disassociation-request tests."""

from __future__ import annotations

from tests.factories import (
    global_id,
)

APPROVE = """
mutation Approve($id: ID!) {
  approveDisassociationRequest(input: {id: $id}) {
    request { id status autoApproved answeredAt customer { id endedAt } }
    userErrors { code field message }
  }
}
"""


REJECT = """
mutation Reject($id: ID!, $reason: String!) {
  rejectDisassociationRequest(input: {id: $id, reason: $reason}) {
    request { id status rejectionReason }
    userErrors { code field message }
  }
}
"""


def rid(request) -> str:
    return global_id("DisassociationRequest", request.id)
