"""`rejectAuthorization`."""

from __future__ import annotations

from app.models.lifecycle.enums import AuthorizationStatus
from tests.factories import (
    customer_token,
    gql,
    make_customer,
)
from tests.lifecycle.authorization_helpers import REJECT, aid
from tests.lifecycle.factories import make_authorization


async def test_the_customer_rejects(client, session, partner):
    customer = await make_customer(session, partner)
    pending = await make_authorization(session, customer, status=AuthorizationStatus.PENDING)

    body = await gql(
        client, REJECT, {"id": aid(pending)}, token=await customer_token(session, customer)
    )

    assert body["data"]["rejectAuthorization"]["authorization"]["status"] == "REJECTED"
