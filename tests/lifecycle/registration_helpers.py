"""Documents and helpers shared by the registration tests."""

from __future__ import annotations

from app.models import Registration
from tests.factories import (
    global_id,
)

WITHDRAW = """
mutation Withdraw($id: ID!) {
  withdrawRegistration(input: {id: $id}) {
    registration { id status }
    userErrors { code field message }
  }
}
"""


REJECT = """
mutation Reject($id: ID!, $reason: String!) {
  rejectRegistration(input: {id: $id, reason: $reason}) {
    registration { id status rejectionReason }
    userErrors { code field message }
  }
}
"""


LIST = """
query List($filter: RegistrationFilter, $orderBy: RegistrationOrder) {
  registrations(first: 50, filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes { id companyName status }
  }
}
"""


NODE = """
query Node($id: ID!) { node(id: $id) { id ... on Registration { status companyName } } }
"""


def rid(registration: Registration) -> str:
    return global_id("Registration", registration.id)
