"""certifyPartner: the platform certifies an expired partner from now and renews a certified one
from its current end; too early, unknown partners, roles and retries are refused or replayed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import add_months
from app.models import AuditEvent, Partner, PartnerNotification
from app.models.partners.enums import CertificationStatus, PartnerNotificationKind, Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)

CERTIFY = """
mutation Certify($input: CertifyPartnerInput!) {
  certifyPartner(input: $input) {
    partner { id certificationStatus certificationExpiresAt certificationRenewableFrom isCertified }
    userErrors { code field message }
  }
}
"""


def _input(partner, key: str = "cert-1") -> dict:
    return {"input": {"partnerId": global_id("Partner", partner.id), "idempotencyKey": key}}


async def _certify(client, session, partner, key: str = "cert-1", token: str | None = None):
    token = token or await platform_token(session)
    return await gql(client, CERTIFY, _input(partner, key), token=token)


async def test_renewing_a_certification_in_force_extends_from_its_end(
    client, session, frozen_clock
):
    # given a certification ending in 30 days (inside the 90-day renewal window)
    end = frozen_clock.now() + timedelta(days=30)
    partner = await make_partner(session, certification_expires_at=end)

    # when the platform renews it
    body = await _certify(client, session, partner)

    # then the new end is a year after the old end: no day is lost
    payload = body["data"]["certifyPartner"]
    assert payload["userErrors"] == []
    assert payload["partner"]["certificationExpiresAt"] == iso(add_months(end, 12))
    assert payload["partner"]["certificationStatus"] == "CERTIFIED"
    assert payload["partner"]["isCertified"] is True
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "partner.renew_certification", AuditEvent.object_id == partner.id
        )
    )
    assert event is not None and event.partner_id == partner.id
    assert event.before["certification_expires_at"] == end.isoformat()
    assert event.after["valid_from"] == end.isoformat()


async def test_an_expired_certification_is_certified_from_now(client, session, frozen_clock):
    # given a partner whose validity passed yesterday (the job has not stored it yet)
    partner = await make_partner(
        session, certification_expires_at=frozen_clock.now() - timedelta(days=1)
    )

    # when
    body = await _certify(client, session, partner)

    # then a full validity from now, not from the lapsed end
    payload = body["data"]["certifyPartner"]
    assert payload["userErrors"] == []
    assert payload["partner"]["certificationExpiresAt"] == iso(add_months(frozen_clock.now(), 12))
    assert payload["partner"]["certificationStatus"] == "CERTIFIED"
    actions = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == partner.id)
    )
    assert "partner.certify" in actions.all()


async def test_a_stored_expired_status_is_certified_again(client, session, frozen_clock):
    partner = await make_partner(
        session,
        certification_status=CertificationStatus.EXPIRED,
        certification_expires_at=frozen_clock.now() - timedelta(days=40),
        certification_reminded_at=frozen_clock.now() - timedelta(days=70),
    )

    body = await _certify(client, session, partner)

    assert body["data"]["certifyPartner"]["partner"]["certificationStatus"] == "CERTIFIED"
    await session.refresh(partner)
    assert partner.certification_status is CertificationStatus.CERTIFIED
    assert partner.certification_reminded_at is None  # the next validity gets its own notice
    notice = await session.scalar(
        select(PartnerNotification).where(PartnerNotification.partner_id == partner.id)
    )
    assert notice is not None and notice.kind is PartnerNotificationKind.CERTIFICATION_RENEWED
    assert notice.payload["expiresAt"] == add_months(frozen_clock.now(), 12).isoformat()


async def test_renewing_too_early_is_refused_and_changes_nothing(client, session, frozen_clock):
    # given a certification ending in 200 days (the window opens 90 days before the end)
    end = frozen_clock.now() + timedelta(days=200)
    partner = await make_partner(session, certification_expires_at=end)

    # when
    body = await _certify(client, session, partner)

    # then
    payload = body["data"]["certifyPartner"]
    assert payload["partner"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("RENEWAL_TOO_EARLY", ["input", "partnerId"])
    ]
    assert (end - timedelta(days=90)).strftime("%Y-%m-%d") in payload["userErrors"][0]["message"]
    await session.refresh(partner)
    assert partner.certification_expires_at == end
    assert (
        await session.scalar(
            select(PartnerNotification).where(PartnerNotification.partner_id == partner.id)
        )
    ) is None


async def test_the_renewal_window_and_validity_are_settings(
    client, session, frozen_clock, settings, monkeypatch
):
    monkeypatch.setattr(settings, "certification_renewal_window_days", 365)
    monkeypatch.setattr(settings, "certification_validity_months", 6)
    end = frozen_clock.now() + timedelta(days=200)
    partner = await make_partner(session, certification_expires_at=end)

    body = await _certify(client, session, partner)

    payload = body["data"]["certifyPartner"]
    assert payload["userErrors"] == []
    assert payload["partner"]["certificationExpiresAt"] == iso(add_months(end, 6))


async def test_a_certification_without_an_end_has_nothing_to_renew(client, session):
    partner = await make_partner(session, certification_expires_at=None)

    body = await _certify(client, session, partner)

    errors = body["data"]["certifyPartner"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_STATE", ["input", "partnerId"])]


@pytest.mark.parametrize(
    "partner_id", [global_id("Partner", 10**9), global_id("Customer", 1), "not-an-id"]
)
async def test_an_unknown_partner_is_not_found(client, session, partner_id):
    body = await gql(
        client,
        CERTIFY,
        {"input": {"partnerId": partner_id, "idempotencyKey": "cert-x"}},
        token=await platform_token(session),
    )

    errors = body["data"]["certifyPartner"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["input", "partnerId"])]


async def test_a_retry_with_the_same_key_replays_instead_of_renewing_twice(
    client, session, frozen_clock
):
    end = frozen_clock.now() + timedelta(days=10)
    partner = await make_partner(session, certification_expires_at=end)
    token = await platform_token(session)

    first = await _certify(client, session, partner, "renew-2026", token)
    again = await _certify(client, session, partner, "renew-2026", token)

    assert again == first
    await session.refresh(partner)
    assert partner.certification_expires_at == add_months(end, 12)
    other = await make_partner(session, certification_expires_at=end)
    reused = await _certify(client, session, other, "renew-2026", token)
    codes = [e["code"] for e in reused["data"]["certifyPartner"]["userErrors"]]
    assert codes == ["IDEMPOTENCY_KEY_REUSED"]


@pytest.mark.parametrize("role", list(Role))
async def test_partner_users_cannot_certify_even_themselves(client, session, role):
    partner = await make_partner(
        session, certification_status=CertificationStatus.EXPIRED, certification_expires_at=None
    )
    token = await token_for(session, await make_user(session, partner, role))

    body = await _certify(client, session, partner, token=token)

    assert body["data"] is None or body["data"]["certifyPartner"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await session.refresh(partner)
    assert partner.certification_status is CertificationStatus.EXPIRED


async def test_a_customer_cannot_certify(client, session):
    partner = await make_partner(session)
    token = await customer_token(session, await make_customer(session, partner))

    body = await _certify(client, session, partner, token=token)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_recertified_partner_may_register_customers_again(client, session, frozen_clock):
    # given a lapsed partner, refused a registration
    partner = await make_partner(
        session, certification_expires_at=frozen_clock.now() - timedelta(hours=1)
    )
    sales = await token_for(session, await make_user(session, partner, Role.SALES))
    submit = """
    mutation($input: SubmitRegistrationInput!) {
      submitRegistration(input: $input) { userErrors { code } }
    }
    """
    registration = {
        "companyName": "重新认证科技有限公司",
        "contactName": "王经理",
        "contactEmail": "wang@recert.example",
        "contactPhone": "13911112222",
        "industry": "制造",
        "region": "cn-north-4",
        "expectedMonthlySpend": "1000.00",
    }
    refused = await gql(client, submit, {"input": registration}, token=sales)
    assert refused["data"]["submitRegistration"]["userErrors"] == [
        {"code": "PARTNER_NOT_CERTIFIED"}
    ]

    # when the platform certifies it
    await _certify(client, session, partner)

    # then the same call goes through
    accepted = await gql(client, submit, {"input": registration}, token=sales)
    assert accepted["data"]["submitRegistration"]["userErrors"] == []
    stored = await session.scalar(select(Partner).where(Partner.id == partner.id))
    assert stored is not None
