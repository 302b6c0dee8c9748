"""N+1 guard: a nested page costs the same number of statements whatever its size."""

from __future__ import annotations

from app.models.partners.enums import Role
from tests.factories import (
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

CONSOLE_SCREEN = """
query Screen($first: Int!) {
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id name accountName contact { name phone }
        accountManager { id name }
        account { balance { amount } arrears { amount } }
        resources(first: 10) {
          totalCount
          nodes { id name status expiresAt }
        }
      }
    }
  }
}
"""


async def test_customer_list_statement_count_does_not_grow_with_page_size(
    client, session, statements
):
    # given 60 customers with managers and resources
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    managers = [await make_user(session, partner, Role.SALES) for _ in range(3)]
    for i in range(60):
        customer = await make_customer(session, partner, manager=managers[i % 3])
        for _ in range(i % 4):
            await make_resource(session, customer)
    token = await token_for(session, admin)
    await gql(client, CONSOLE_SCREEN, {"first": 1}, token=token)  # warm up

    counts = {}
    for first in (10, 50):
        # when
        token = await token_for(session, admin)  # a fresh cost budget for each measured call
        statements.reset()
        statements.active = True
        body = await gql(client, CONSOLE_SCREEN, {"first": first}, token=token)
        statements.active = False

        # then
        assert "errors" not in body
        assert len(body["data"]["customers"]["edges"]) == first
        counts[first] = statements.count

    assert counts[10] == counts[50], statements.statements
    # auth, customers page, its count, managers, accounts, resource pages, resource counts.
    work = [s for s in statements.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(work) == 7, work
