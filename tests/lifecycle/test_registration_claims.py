"""`registration_claims`: the platform-side copy of the registrations that can hold a company,
and the conflict check that reads it instead of every partner's registrations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, exists, insert, select

from app import clock
from app.models import Customer, Registration, RegistrationClaim
from app.models.lifecycle.enums import RegistrationStatus
from app.services.lifecycle.company_registry import CompanyKey, company_key, is_company_taken
from app.services.lifecycle.registrations import expire_registrations
from tests.core.tables_read import table_names, tables_read, tenant_tables
from tests.factories import make_customer, make_partner
from tests.funds.helpers import platform
from tests.lifecycle.factories import make_registration

HOLDING = (RegistrationStatus.PENDING_REVIEW, RegistrationStatus.APPROVED)


async def claims(session) -> set[tuple]:
    rows = await session.execute(
        select(
            RegistrationClaim.partner_id,
            RegistrationClaim.registration_id,
            RegistrationClaim.normalized_name,
            RegistrationClaim.credit_code,
            RegistrationClaim.status,
            RegistrationClaim.expires_at,
        ).execution_options(populate_existing=True)
    )
    return {tuple(row) for row in rows}


async def expected(session) -> set[tuple]:
    """The claims the registrations hold, read from the tenant table."""
    rows = await session.execute(
        select(
            Registration.partner_id,
            Registration.id,
            Registration.normalized_name,
            Registration.credit_code,
            Registration.status,
            Registration.expires_at,
        ).where(Registration.status.in_(HOLDING))
    )
    return {tuple(row) for row in rows}


async def assert_in_step(session) -> None:
    await session.flush()
    assert await claims(session) == await expected(session)


async def test_each_change_of_a_registration_keeps_its_claim_in_step(session):
    partner = await make_partner(session)
    pending = await make_registration(session, partner, credit_code="91110000MA01ABCD1X")
    approved = await make_registration(session, partner, status=RegistrationStatus.APPROVED)
    rejected = await make_registration(session, partner, status=RegistrationStatus.REJECTED)
    assert {(c[0], c[1]) for c in await claims(session)} == {
        (partner.id, pending.id),
        (partner.id, approved.id),
    }
    await assert_in_step(session)

    # edited while pending: the claim carries the new name and code
    pending.normalized_name, pending.credit_code = "renamed co", None
    await assert_in_step(session)
    # approved: status and expiry follow
    pending.status = RegistrationStatus.APPROVED
    pending.expires_at = clock.now() + timedelta(days=30)
    await assert_in_step(session)
    # withdrawn, associated: the company is no longer held by the registration
    pending.status = RegistrationStatus.WITHDRAWN
    approved.status = RegistrationStatus.ASSOCIATED
    await assert_in_step(session)
    assert await claims(session) == set()
    # a change of a column the claim doesn't copy writes nothing
    rejected.note = "changed"
    await assert_in_step(session)


async def test_a_change_on_an_expired_attribute_still_reaches_the_claim(session):
    # given a registration whose status the session no longer holds (after a refresh, a
    # rolled-back savepoint), so its old value is unknown at the flush
    partner = await make_partner(session)
    registration = await make_registration(session, partner)
    session.expire(registration, ["status"])

    # when it is withdrawn
    registration.status = RegistrationStatus.WITHDRAWN
    await session.flush()

    # then its claim is gone all the same
    assert await claims(session) == set()


async def test_deleting_a_registration_drops_its_claim(session):
    partner = await make_partner(session)
    registration = await make_registration(session, partner)
    await session.delete(registration)
    await assert_in_step(session)
    assert await claims(session) == set()


async def test_the_expire_job_drops_the_claims_of_what_it_expires(session, frozen_clock):
    partner, other = await make_partner(session), await make_partner(session)
    lapsing = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=clock.now()
    )
    elsewhere = await make_registration(
        session, other, status=RegistrationStatus.APPROVED, expires_at=clock.now()
    )
    valid = await make_registration(session, other, status=RegistrationStatus.APPROVED)

    await expire_registrations(platform(session))

    assert {(c[0], c[1]) for c in await claims(session)} == {(other.id, valid.id)}
    for registration in (lapsing, elsewhere):
        await session.refresh(registration)
        assert registration.status is RegistrationStatus.EXPIRED
    assert await claims(session) == await expected(session)


async def test_the_in_step_check_catches_a_stale_claim(session):
    # the comparison the tests above rely on does fail on a claim no registration holds
    partner = await make_partner(session)
    registration = await make_registration(session, partner)
    await session.execute(
        insert(RegistrationClaim).values(
            partner_id=partner.id,
            registration_id=registration.id + 1000,
            normalized_name="ghost",
            status=RegistrationStatus.PENDING_REVIEW,
        )
    )
    assert await claims(session) != await expected(session)
    await session.execute(
        delete(RegistrationClaim).where(RegistrationClaim.normalized_name == "ghost")
    )


# The check: the same answers as when it read every partner's registrations and customers,
# from platform and reference tables only.


@pytest.mark.parametrize(
    "status, expires_in, taken",
    [
        (RegistrationStatus.PENDING_REVIEW, None, True),
        (RegistrationStatus.APPROVED, timedelta(days=1), True),
        (RegistrationStatus.APPROVED, timedelta(0), False),  # lapsed, not yet stored EXPIRED
        (RegistrationStatus.EXPIRED, timedelta(days=-1), False),
        (RegistrationStatus.REJECTED, None, False),
        (RegistrationStatus.WITHDRAWN, None, False),
        (RegistrationStatus.ASSOCIATED, None, False),
    ],
)
async def test_which_registrations_hold_a_company(session, status, expires_in, taken):
    partner = await make_partner(session)
    expires_at = clock.now() + expires_in if expires_in is not None else None
    registration = await make_registration(
        session, partner, status=status, expires_at=expires_at, credit_code="91110000MA01ABCD1X"
    )
    ctx = platform(session)

    assert await is_company_taken(ctx, CompanyKey(registration.normalized_name)) is taken
    assert await is_company_taken(ctx, CompanyKey("other", "91110000MA01ABCD1X")) is taken


async def test_the_options_leave_out_a_registration_or_a_partner(session):
    partner, other = await make_partner(session), await make_partner(session)
    registration = await make_registration(session, partner)
    key = CompanyKey(registration.normalized_name)
    ctx = platform(session)

    assert await is_company_taken(ctx, key, exclude_registration_id=registration.id) is False
    assert await is_company_taken(ctx, key, ignore_partner_id=partner.id) is False
    assert await is_company_taken(ctx, key, ignore_partner_id=other.id) is True
    assert await is_company_taken(ctx, key, exclude_registration_id=registration.id + 1) is True


async def test_an_open_association_holds_its_company_and_an_ended_one_does_not(session):
    partner = await make_partner(session)
    customer = await make_customer(
        session, partner, name="Held Co", credit_code="91110000MA01HELD1"
    )
    ended = await make_customer(session, partner, name="Gone Co", ended_at=clock.now())
    ctx = platform(session)

    assert await is_company_taken(ctx, company_key("HELD CO., LTD.", None))
    assert await is_company_taken(ctx, company_key("x", "91110000MA01HELD1"))
    assert not await is_company_taken(ctx, company_key("Held Co", None), include_customers=False)
    assert not await is_company_taken(ctx, company_key("Gone Co", None))
    assert customer.ended_at is None and ended.ended_at is not None


async def test_the_check_reads_no_tenant_table(session):
    partner = await make_partner(session)
    await make_registration(session, partner, company_name="Probe Co")
    await make_customer(session, partner, name="Probe Co")

    with tables_read(session) as seen:
        assert await is_company_taken(
            platform(session),
            company_key("Probe Co", "91110000MA01ABCD1X"),
            exclude_registration_id=1,
            ignore_partner_id=partner.id,
        )

    assert {"registration_claims", "open_associations", "cloud_accounts"} <= seen
    assert tenant_tables(seen) == set()


def test_the_table_listing_sees_tenant_tables_in_subqueries():
    # what the check read before: registrations, and customers inside an EXISTS
    old = select(Registration.id).where(exists(select(Customer.id)))
    assert tenant_tables(table_names(old)) == {"registrations", "customers"}
