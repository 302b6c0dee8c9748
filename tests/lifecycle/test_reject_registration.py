"""`rejectRegistration`."""

from __future__ import annotations

from tests.factories import (
    gql,
)
from tests.lifecycle.factories import make_registration
from tests.lifecycle.registration_helpers import REJECT, rid


async def test_platform_rejects_with_a_reason(client, session, partner, platform):
    registration = await make_registration(session, partner)

    empty = await gql(client, REJECT, {"id": rid(registration), "reason": " "}, token=platform)
    body = await gql(client, REJECT, {"id": rid(registration), "reason": "dup"}, token=platform)

    assert empty["data"]["rejectRegistration"]["userErrors"][0]["field"] == ["input", "reason"]
    assert body["data"]["rejectRegistration"]["registration"] == {
        "id": rid(registration),
        "status": "REJECTED",
        "rejectionReason": "dup",
    }
