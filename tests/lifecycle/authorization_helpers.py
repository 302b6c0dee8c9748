"""Documents and helpers shared by the authorization tests."""

from __future__ import annotations

from tests.factories import (
    global_id,
)

APPROVE = """
mutation Approve($id: ID!) {
  approveAuthorization(input: {id: $id}) {
    authorization { id status answeredAt }
    userErrors { code field message }
  }
}
"""


REJECT = """
mutation Reject($id: ID!) {
  rejectAuthorization(input: {id: $id, reason: "no"}) {
    authorization { id status rejectionReason }
    userErrors { code field message }
  }
}
"""


LIST = """
query List($filter: AuthorizationFilter) {
  authorizations(first: 10, filter: $filter) { totalCount nodes { id status scopes } }
}
"""


def aid(authorization) -> str:
    return global_id("Authorization", authorization.id)
