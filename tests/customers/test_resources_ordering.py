"""The partner-wide `resources` list's orderings, ties and resources without an expiry."""

from __future__ import annotations

from typing import Any

import pytest

from app.models import Partner, Resource
from app.models.customers.enums import BillingMode
from tests.customers.resources_query_helpers import (
    CUSTOMER_RESOURCES,
    admin_token,
    days_ahead,
    edge_ids,
    hours_ago,
    list_resources,
    node_ids,
    rids,
)
from tests.factories import global_id, gql, make_customer, make_partner, make_resource

# --- orderings ------------------------------------------------------------------------------


async def _catalogue(session: Any, partner: Partner) -> list[Resource]:
    """Resources with ties on every sort key and two without an expiry.

    Names are lowercase ASCII letters with a common prefix, so they sort the same under any
    collation.
    """
    customer = await make_customer(session, partner)
    specs = [
        ("resb", hours_ago(5), days_ahead(10)),
        ("resa", hours_ago(3), None),
        ("resc", hours_ago(5), days_ahead(5)),
        ("resa", hours_ago(1), days_ahead(10)),
        ("resd", hours_ago(2), None),
        ("resab", hours_ago(4), days_ahead(20)),
    ]
    made = []
    for name, created_at, expires_at in specs:
        made.append(
            await make_resource(
                session,
                customer,
                name=name,
                created_at=created_at,
                expires_at=expires_at,
                billing_mode=BillingMode.ON_DEMAND
                if expires_at is None
                else BillingMode.YEARLY_MONTHLY,
            )
        )
    return made


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        # created_at: r0 and r2 tie (5h ago), id breaks the tie
        ({"field": "CREATED_AT", "direction": "ASC"}, [0, 2, 5, 1, 4, 3]),
        ({"field": "CREATED_AT", "direction": "DESC"}, [3, 4, 1, 5, 2, 0]),
        (None, [3, 4, 1, 5, 2, 0]),
        # expires_at: r0 and r3 tie; r1 and r4 have none (last ascending, first descending)
        ({"field": "EXPIRES_AT", "direction": "ASC"}, [2, 0, 3, 5, 1, 4]),
        ({"field": "EXPIRES_AT"}, [2, 0, 3, 5, 1, 4]),
        ({"field": "EXPIRES_AT", "direction": "DESC"}, [4, 1, 5, 3, 0, 2]),
        # name: r1 and r3 are both "resa"
        ({"field": "NAME", "direction": "ASC"}, [1, 3, 5, 0, 2, 4]),
        ({"field": "NAME", "direction": "DESC"}, [4, 2, 0, 5, 3, 1]),
    ],
    ids=[
        "created-asc",
        "created-desc",
        "default",
        "expires-asc",
        "expires-default-asc",
        "expires-desc",
        "name-asc",
        "name-desc",
    ],
)
async def test_orderings(client, session, order_by, expected):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    made = await _catalogue(session, partner)

    # when
    found = await list_resources(client, token, order_by=order_by)

    # then
    assert node_ids(found) == rids([made[i] for i in expected])


async def test_expires_at_ordering_pages_through_the_resources_without_expiry(client, session):
    # given
    partner = await make_partner(session)
    token = await admin_token(session, partner)
    made = await _catalogue(session, partner)
    order = {"field": "EXPIRES_AT", "direction": "ASC"}
    customer_id = global_id("Customer", made[0].customer_id)

    # when: pages of two, so one page boundary falls between the two null expiries
    seen: list[str] = []
    after = None
    while True:
        body = await gql(
            client,
            CUSTOMER_RESOURCES,
            {"id": customer_id, "orderBy": order, "first": 2, "after": after},
            token=token,
        )
        connection = body["data"]["customer"]["resources"]
        seen += edge_ids(connection)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    # then
    assert seen == rids([made[i] for i in [2, 0, 3, 5, 1, 4]])
