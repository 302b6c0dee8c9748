"""`approveRegistration`: the platform's review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.lifecycle.enums import RegistrationStatus
from tests.factories import (
    customer_token,
    gql,
    iso,
    make_customer,
    make_partner,
)
from tests.lifecycle.factories import make_registration
from tests.lifecycle.registration_helpers import REJECT, rid

APPROVE = """
mutation Approve($id: ID!) {
  approveRegistration(input: {id: $id}) {
    registration { id status expiresAt reviewedAt partner { name } }
    userErrors { code field message }
  }
}
"""


async def test_platform_approves_for_the_validity_period(
    client, session, partner, platform, frozen_clock
):
    registration = await make_registration(session, partner)

    body = await gql(client, APPROVE, {"id": rid(registration)}, token=platform)

    approved = body["data"]["approveRegistration"]["registration"]
    assert approved["status"] == "APPROVED"
    assert approved["partner"]["name"] == partner.name
    assert approved["expiresAt"] == iso(frozen_clock.now() + timedelta(days=15))


async def test_approval_rechecks_conflicts(client, session, partner, platform):
    # given: a customer of another partner has appeared since the submission
    registration = await make_registration(session, partner, company_name="Acme Tech")
    other = await make_partner(session)
    await make_customer(session, other, name="ACME TECH CO., LTD.")

    body = await gql(client, APPROVE, {"id": rid(registration)}, token=platform)

    payload = body["data"]["approveRegistration"]
    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]
    await session.refresh(registration)
    assert registration.status is RegistrationStatus.PENDING_REVIEW


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.ASSOCIATED,
        RegistrationStatus.EXPIRED,
    ],
)
async def test_only_pending_registrations_are_reviewed(client, session, partner, platform, status):
    registration = await make_registration(session, partner, status=status)

    approve = await gql(client, APPROVE, {"id": rid(registration)}, token=platform)
    reject = await gql(client, REJECT, {"id": rid(registration), "reason": "x"}, token=platform)

    assert approve["data"]["approveRegistration"]["userErrors"][0]["code"] == "INVALID_STATE"
    assert reject["data"]["rejectRegistration"]["userErrors"][0]["code"] == "INVALID_STATE"


async def test_partners_cannot_review(client, session, partner, admin):
    registration = await make_registration(session, partner)
    customer = await make_customer(session, partner)

    for token in (admin, await customer_token(session, customer)):
        body = await gql(client, APPROVE, {"id": rid(registration)}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
