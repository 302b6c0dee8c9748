"""submitRegistration: validation, certification, the cap and the conflict matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Registration
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import CertificationStatus, Role
from app.services.lifecycle.company_registry import CONFLICT_MESSAGE
from tests.core.input_helpers import assert_malformed_input
from tests.factories import (
    customer_token,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import make_registration, make_reserved_company

SUBMIT = """
mutation Submit($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registration {
      id companyName creditCode contactPhone status submittedAt expiresAt
      expectedMonthlySpend { amount currency }
      submittedBy { id }
    }
    userErrors { code field message }
  }
}
"""


def company(name: str = "Acme Tech Co., Ltd.", **fields):
    return {
        "companyName": name,
        "contactName": "李四",
        "contactEmail": "li@acme.test",
        "contactPhone": "138 0000 1111",
        **fields,
    }


async def submit(client, token, **fields):
    body = await gql(client, SUBMIT, {"input": company(**fields)}, token=token)
    return body["data"]["submitRegistration"]


async def sales_token(session, partner=None):
    partner = partner or await make_partner(session)
    return partner, await token_for(session, await make_user(session, partner, Role.SALES))


async def test_sales_submits_a_registration(client, session):
    # given
    partner, token = await sales_token(session)

    # when
    payload = await submit(
        client,
        token,
        creditCode="91110000ma01abcd1x",
        expectedMonthlySpend="12000.50",
        industry="零售",
    )

    # then
    assert payload["userErrors"] == []
    registration = payload["registration"]
    assert registration["status"] == "PENDING_REVIEW"
    assert registration["creditCode"] == "91110000MA01ABCD1X"
    assert registration["expiresAt"] is None
    assert registration["expectedMonthlySpend"] == {"amount": "12000.50", "currency": "CNY"}
    stored = await session.scalar(select(Registration).where(Registration.partner_id == partner.id))
    assert stored.normalized_name == "acmetech"
    event = await session.scalar(select(AuditEvent).where(AuditEvent.object_id == stored.id))
    assert event.action == "registration.submit"


async def test_every_invalid_field_is_reported(client, session):
    _, token = await sales_token(session)

    body = await gql(
        client,
        SUBMIT,
        {
            "input": {
                "companyName": " ",
                "contactName": "",
                "contactEmail": "not-an-email",
                "contactPhone": "12",
                "creditCode": "123",
                "expectedMonthlySpend": "-1.00",
                "note": "x" * 501,
            }
        },
        token=token,
    )

    errors = body["data"]["submitRegistration"]["userErrors"]
    assert {(e["code"], e["field"][1]) for e in errors} == {
        ("INVALID_INPUT", "companyName"),
        ("INVALID_INPUT", "contactName"),
        ("INVALID_INPUT", "contactEmail"),
        ("INVALID_INPUT", "contactPhone"),
        ("INVALID_INPUT", "creditCode"),
        ("INVALID_INPUT", "expectedMonthlySpend"),
        ("INVALID_INPUT", "note"),
    }


@pytest.mark.parametrize("spend", ["-1.005", "2e4", "20,000", "\uff12\uff10\uff10\uff10\uff10"])
async def test_a_malformed_expected_spend_is_refused_before_the_rules(client, session, spend):
    # given
    _, token = await sales_token(session)

    # when
    body = await gql(
        client,
        SUBMIT,
        {"input": company(expectedMonthlySpend=spend)},
        token=token,
    )

    # then
    assert_malformed_input(body, "$input", ".expectedMonthlySpend", "Amount")
    assert await session.scalar(select(func.count()).select_from(Registration)) == 0


async def test_an_expired_certification_cannot_register(client, session, frozen_clock):
    partner = await make_partner(
        session, certification_expires_at=frozen_clock.now() - timedelta(days=1)
    )
    _, token = await sales_token(session, partner)
    lapsed = await make_partner(session, certification_status=CertificationStatus.EXPIRED)
    _, lapsed_token = await sales_token(session, lapsed)

    for t in (token, lapsed_token):
        payload = await submit(client, t)
        assert payload["registration"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["PARTNER_NOT_CERTIFIED"]


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
async def test_roles_without_acquisition_are_forbidden(client, session, role):
    partner = await make_partner(session)
    token = await token_for(session, await make_user(session, partner, role))

    body = await gql(client, SUBMIT, {"input": company()}, token=token)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_customers_and_the_platform_cannot_submit(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    for token in (await customer_token(session, customer), await platform_token(session)):
        body = await gql(client, SUBMIT, {"input": company()}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# The conflict matrix: (what exists, what is submitted) -> conflict?


@pytest.mark.parametrize(
    "submitted",
    [
        "Acme Tech Co., Ltd.",
        "ACME TECH",
        "ＡＣＭＥ　Ｔｅｃｈ Limited",  # noqa: RUF001
        "acme tech company limited",
        "Acme  Tech Inc.",
    ],
)
async def test_names_differing_by_case_width_spaces_or_suffix_conflict(client, session, submitted):
    # given another partner's pending registration
    other = await make_partner(session)
    await make_registration(session, other, company_name="Acme Tech Co., Ltd.")
    _, token = await sales_token(session)

    # when
    payload = await submit(client, token, name=submitted)

    # then: refused, and nothing says who holds it
    assert payload["registration"] is None
    assert payload["userErrors"] == [
        {
            "code": "REGISTRATION_CONFLICT",
            "field": ["input", "companyName"],
            "message": CONFLICT_MESSAGE,
        }
    ]
    assert other.name not in CONFLICT_MESSAGE


async def test_same_credit_code_conflicts_whatever_the_name(client, session):
    other = await make_partner(session)
    await make_registration(
        session, other, company_name="Old Name Ltd", credit_code="91110000MA01ABCD1X"
    )
    _, token = await sales_token(session)

    payload = await submit(client, token, name="New Name Ltd", creditCode="91110000MA01ABCD1X")

    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]


async def test_own_duplicate_conflicts_too(client, session):
    partner, token = await sales_token(session)
    await make_registration(session, partner, company_name="Acme Tech")

    payload = await submit(client, token)

    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]


async def test_an_approved_unexpired_registration_conflicts(client, session, frozen_clock):
    other = await make_partner(session)
    await make_registration(
        session,
        other,
        company_name="Acme Tech",
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() + timedelta(seconds=1),
    )
    _, token = await sales_token(session)

    payload = await submit(client, token)

    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.REJECTED,
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.EXPIRED,
    ],
)
async def test_ended_registrations_free_the_company(client, session, status):
    other = await make_partner(session)
    await make_registration(session, other, company_name="Acme Tech", status=status)
    _, token = await sales_token(session)

    payload = await submit(client, token)

    assert payload["userErrors"] == []


async def test_after_expiry_the_company_is_free_even_before_the_job(client, session, frozen_clock):
    # given an approved registration whose validity ends exactly now (exclusive end)
    other = await make_partner(session)
    await make_registration(
        session,
        other,
        company_name="Acme Tech",
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now(),
    )
    _, token = await sales_token(session)

    payload = await submit(client, token)

    assert payload["userErrors"] == []


async def test_a_current_customer_of_any_partner_conflicts(client, session):
    other = await make_partner(session)
    await make_customer(session, other, name="北京云帆科技有限公司")
    _, token = await sales_token(session)

    payload = await submit(client, token, name="北京云帆科技")

    assert [e["code"] for e in payload["userErrors"]] == ["REGISTRATION_CONFLICT"]


async def test_a_former_customer_is_free(client, session, frozen_clock):
    other = await make_partner(session)
    await make_customer(
        session, other, name="北京云帆科技有限公司", ended_at=frozen_clock.now() - timedelta(days=1)
    )
    _, token = await sales_token(session)

    payload = await submit(client, token, name="北京云帆科技")

    assert payload["userErrors"] == []


async def test_a_company_reserved_by_the_vendor_conflicts(client, session):
    await make_reserved_company(session, "Acme Tech Inc.")
    await make_reserved_company(session, "Other Name", credit_code="91310000MA1FL8XQ3Y")
    _, token = await sales_token(session)

    by_name = await submit(client, token)
    by_code = await submit(client, token, name="Unrelated", creditCode="91310000MA1FL8XQ3Y")

    assert [e["code"] for e in by_name["userErrors"]] == ["REGISTRATION_CONFLICT"]
    assert [e["code"] for e in by_code["userErrors"]] == ["REGISTRATION_CONFLICT"]


async def test_a_different_company_does_not_conflict(client, session):
    other = await make_partner(session)
    await make_registration(session, other, company_name="Acme Tech", credit_code=None)
    _, token = await sales_token(session)

    payload = await submit(client, token, name="Acme Technology", creditCode="91110000MA01ABCD1X")

    assert payload["userErrors"] == []


# The cap


async def test_the_hundred_and_first_open_registration_is_refused(client, session, frozen_clock):
    # given 99 pending and 1 approved-unexpired registrations, plus ones that don't count
    partner, token = await sales_token(session)
    user = await make_user(session, partner, Role.SALES)
    for _ in range(99):
        await make_registration(session, partner, submitted_by=user)
    await make_registration(session, partner, status=RegistrationStatus.APPROVED, submitted_by=user)
    for status in (RegistrationStatus.REJECTED, RegistrationStatus.ASSOCIATED):
        await make_registration(session, partner, status=status, submitted_by=user)
    await make_registration(
        session,
        partner,
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now(),
        submitted_by=user,
    )

    # when
    refused = await submit(client, token)

    # then
    assert [e["code"] for e in refused["userErrors"]] == ["REGISTRATION_LIMIT_REACHED"]
    assert refused["registration"] is None


async def test_the_cap_is_a_setting(client, session, settings, monkeypatch):
    monkeypatch.setattr(settings, "max_open_registrations", 1)
    _partner, token = await sales_token(session)

    first = await submit(client, token, name="First Co")
    second = await submit(client, token, name="Second Co")

    assert first["userErrors"] == []
    assert [e["code"] for e in second["userErrors"]] == ["REGISTRATION_LIMIT_REACHED"]
