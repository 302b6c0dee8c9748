"""Reading registrations: expiry on read and by the job, filters, who sees what."""

from __future__ import annotations

from datetime import timedelta

from app.models import Invitation, Registration
from app.models.lifecycle.enums import InvitationStatus, RegistrationStatus
from app.services.core.jobs import run_due
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
)
from tests.lifecycle.factories import make_invitation, make_registration
from tests.lifecycle.registration_helpers import LIST, NODE, rid
from tests.rows import reread


async def test_expiry_is_visible_on_read_before_the_job_runs(
    client, session, partner, admin, frozen_clock
):
    registration = await make_registration(
        session,
        partner,
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() + timedelta(days=1),
    )

    before = await gql(client, NODE, {"id": rid(registration)}, token=admin)
    frozen_clock.advance(timedelta(days=1))
    after = await gql(client, NODE, {"id": rid(registration)}, token=admin)
    expired = await gql(client, LIST, {"filter": {"statuses": ["EXPIRED"]}}, token=admin)
    approved = await gql(client, LIST, {"filter": {"statuses": ["APPROVED"]}}, token=admin)

    assert before["data"]["node"]["status"] == "APPROVED"
    assert after["data"]["node"]["status"] == "EXPIRED"
    assert [n["id"] for n in expired["data"]["registrations"]["nodes"]] == [rid(registration)]
    assert approved["data"]["registrations"]["nodes"] == []
    await session.refresh(registration)
    assert registration.status is RegistrationStatus.APPROVED  # not written yet


async def test_the_job_stores_expiry_and_kills_invitations(db, session, frozen_clock):
    partner = await make_partner(session)
    lapsed = await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=frozen_clock.now()
    )
    valid = await make_registration(session, partner, status=RegistrationStatus.APPROVED)
    invitation, _ = await make_invitation(
        session, partner, registration=lapsed, expires_at=frozen_clock.now() + timedelta(days=1)
    )
    await session.commit()

    outcomes = {o.name: o for o in await run_due(db, force=True)}

    assert outcomes["registrations.expire"].result == "1 registrations expired"
    assert (await reread(session, Registration, lapsed.id)).status is (RegistrationStatus.EXPIRED)
    assert (await reread(session, Registration, valid.id)).status is (RegistrationStatus.APPROVED)
    assert (await reread(session, Invitation, invitation.id)).status is (InvitationStatus.EXPIRED)


async def test_filters_and_ordering(client, session, partner, admin, frozen_clock):
    now = frozen_clock.now()
    old = await make_registration(
        session, partner, company_name="Zeta Foods", submitted_at=now - timedelta(days=10)
    )
    new = await make_registration(
        session,
        partner,
        company_name="Alpha Foods",
        submitted_at=now - timedelta(days=1),
        status=RegistrationStatus.APPROVED,
    )
    await make_registration(session, partner, company_name="Other", submitted_at=now)

    default = await gql(client, LIST, {"filter": {"nameContains": "foods"}}, token=admin)
    by_name = await gql(
        client,
        LIST,
        {"filter": {"nameContains": "FOODS"}, "orderBy": {"field": "COMPANY_NAME"}},
        token=admin,
    )
    window = await gql(
        client,
        LIST,
        {
            "filter": {
                "submittedBetween": {
                    "from": iso(now - timedelta(days=11)),
                    "to": iso(now - timedelta(days=5)),
                }
            }
        },
        token=admin,
    )
    approved = await gql(client, LIST, {"filter": {"statuses": ["APPROVED"]}}, token=admin)

    assert [n["id"] for n in default["data"]["registrations"]["nodes"]] == [rid(new), rid(old)]
    assert [n["companyName"] for n in by_name["data"]["registrations"]["nodes"]] == [
        "Alpha Foods",
        "Zeta Foods",
    ]
    assert [n["id"] for n in window["data"]["registrations"]["nodes"]] == [rid(old)]
    assert approved["data"]["registrations"]["totalCount"] == 1


async def test_the_platform_sees_every_partner_and_filters_by_one(client, session, platform):
    a, b = await make_partner(session), await make_partner(session)
    ra = await make_registration(session, a)
    await make_registration(session, b)

    everything = await gql(client, LIST, {}, token=platform)
    only_a = await gql(
        client, LIST, {"filter": {"partnerId": global_id("Partner", a.id)}}, token=platform
    )

    assert everything["data"]["registrations"]["totalCount"] >= 2
    assert [n["id"] for n in only_a["data"]["registrations"]["nodes"]] == [rid(ra)]


async def test_customers_cannot_list_registrations(client, session, partner):
    customer = await make_customer(session, partner)

    body = await gql(client, LIST, {}, token=await customer_token(session, customer))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
