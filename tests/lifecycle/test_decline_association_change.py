"""`declineAssociationChange`."""

from __future__ import annotations

from app.models import Customer
from tests.factories import (
    customer_token,
    gql,
    make_customer,
)
from tests.lifecycle.association_change_helpers import DECLINE, rid
from tests.lifecycle.factories import make_change_request
from tests.rows import reread


async def test_the_customer_declines(client, session, partner):
    customer = await make_customer(session, partner)
    request = await make_change_request(session, customer)

    body = await gql(
        client,
        DECLINE,
        {"id": rid(request), "reason": "we stay"},
        token=await customer_token(session, customer),
    )

    assert body["data"]["declineAssociationChange"]["request"] == {
        "id": rid(request),
        "status": "DECLINED",
        "declineReason": "we stay",
    }
    assert (await reread(session, Customer, customer.id)).ended_at is None
