"""`Customer.coupons` goes through a loader: the statements of `customers { coupons {
usages } }` do not grow with the number of customers."""

from __future__ import annotations

from tests.coupons.helpers import cash, discount, hold_by_new_order, issue, use
from tests.factories import gql, make_customer

CUSTOMER_COUPONS = """
query($first: Int) {
  customers(first: $first, filter: {associationType: RESELLER}) {
    nodes {
      coupons(first: 3) {
        totalCount
        nodes {
          id status balance { amount }
          quota { id }
          heldByOrder { id }
          usages { source amount { amount } order { id } createdAt }
        }
      }
    }
  }
}
"""


async def test_nested_coupons_are_batched(client, session, world, statements):
    # given 11 RESELLER customers, each with a cash coupon used twice and a held discount coupon
    customers = [await make_customer(session, world.partner) for _ in range(8)]
    for customer in world.customers + customers:
        [spent] = await issue(session, world.finance, world.quota, [customer], cash("20.00"))
        [held] = await issue(session, world.finance, world.quota, [customer], discount(cap="5.00"))
        order = await hold_by_new_order(session, held)
        await use(session, spent, "3.00")
        await use(session, spent, "2.00", order=order)
    token = world.tokens["ADMIN"]
    await gql(client, CUSTOMER_COUPONS, {"first": 1}, token=token)  # warm up

    # when
    counts = []
    for first in (2, 11):
        statements.reset()
        statements.active = True
        body = await gql(client, CUSTOMER_COUPONS, {"first": first}, token=token)
        statements.active = False
        assert "errors" not in body, body
        counts.append(statements.count)

    # then
    assert counts[0] == counts[1]
    nodes = body["data"]["customers"]["nodes"]
    assert sorted(c["coupons"]["totalCount"] for c in nodes) == [2] * 11
    usages = [len(n["usages"]) for c in nodes for n in c["coupons"]["nodes"]]
    assert sorted(usages) == [0] * 11 + [2] * 11
