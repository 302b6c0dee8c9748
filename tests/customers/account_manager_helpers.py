"""Documents and helpers shared by the account-manager tests."""

from __future__ import annotations

from tests.factories import (
    global_id,
)

UNASSIGN = """
mutation Unassign($ids: [ID!]!) {
  unassignAccountManager(input: {customerIds: $ids}) {
    results { customerId customer { id accountManager { id } } userErrors { code } }
    userErrors { code field }
  }
}
"""


SETTINGS = """
mutation Settings($value: Boolean) {
  updatePartnerSettings(input: {salesSeeAllCustomers: $value}) {
    partner { id salesSeeAllCustomers }
    userErrors { code field }
  }
}
"""


def cid(customer) -> str:
    return global_id("Customer", customer.id)


def uid(user) -> str:
    return global_id("PartnerUser", user.id)
