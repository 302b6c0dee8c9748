"""`approveAuthorization`: only the customer answers, only pending requests."""

from __future__ import annotations

import pytest

from app.models.lifecycle.enums import AuthorizationStatus
from tests.factories import (
    customer_token,
    gql,
    make_customer,
)
from tests.lifecycle.authorization_helpers import APPROVE, REJECT, aid
from tests.lifecycle.factories import make_authorization


@pytest.mark.parametrize(
    "status",
    [
        AuthorizationStatus.ACTIVE,
        AuthorizationStatus.REJECTED,
        AuthorizationStatus.REVOKED,
        AuthorizationStatus.EXPIRED,
        AuthorizationStatus.ENDED,
    ],
)
async def test_only_pending_ones_are_answered(client, session, partner, status):
    customer = await make_customer(session, partner)
    authorization = await make_authorization(session, customer, status=status)
    token = await customer_token(session, customer)

    approve = await gql(client, APPROVE, {"id": aid(authorization)}, token=token)
    reject = await gql(client, REJECT, {"id": aid(authorization)}, token=token)

    assert approve["data"]["approveAuthorization"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert reject["data"]["rejectAuthorization"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_partners_cannot_answer_for_the_customer(client, session, partner, admin):
    customer = await make_customer(session, partner)
    pending = await make_authorization(session, customer, status=AuthorizationStatus.PENDING)

    body = await gql(client, APPROVE, {"id": aid(pending)}, token=admin)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
