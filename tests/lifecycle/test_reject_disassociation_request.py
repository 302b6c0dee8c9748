"""`rejectDisassociationRequest`."""

from __future__ import annotations

from tests.factories import (
    gql,
    make_customer,
)
from tests.lifecycle.disassociation_request_helpers import APPROVE, REJECT, rid
from tests.lifecycle.factories import make_disassociation_request


async def test_admin_rejects_with_a_reason(client, session, partner, admin):
    customer = await make_customer(session, partner)
    request = await make_disassociation_request(session, customer)

    missing = await gql(client, REJECT, {"id": rid(request), "reason": ""}, token=admin)
    body = await gql(client, REJECT, {"id": rid(request), "reason": "contract"}, token=admin)
    again = await gql(client, APPROVE, {"id": rid(request)}, token=admin)

    assert missing["data"]["rejectDisassociationRequest"]["userErrors"][0]["field"] == [
        "input",
        "reason",
    ]
    assert body["data"]["rejectDisassociationRequest"]["request"]["status"] == "REJECTED"
    assert again["data"]["approveDisassociationRequest"]["userErrors"][0]["code"] == (
        "INVALID_STATE"
    )
