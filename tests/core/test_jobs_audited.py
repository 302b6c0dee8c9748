"""Jobs that change state audit as the system principal (issue 12, class 9).

Every registered job has an entry below: a setup that leaves something due and the audit
action its run must write, or a reason why it changes no business state. A job registered
without an entry fails here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app import clock
from app.models import AuditEvent
from app.models.customers.enums import BillingMode
from app.models.lifecycle.enums import RegistrationStatus
from app.models.partners.enums import PrincipalKind, Role
from app.services.consumption.ingest import ingest_batch
from app.services.core.context import ServiceContext
from app.services.core.jobs import load_registry, run_due
from app.services.core.principal import Principal
from app.services.funds import credit
from app.settings import get_settings
from tests.consumption.helpers import at, usage
from tests.consumption.helpers import world as consumption_world
from tests.consumption.percentile_helpers import MAY_1
from tests.factories import global_id, gql, make_customer, make_partner, make_resource
from tests.funds.helpers import platform
from tests.lifecycle.factories import (
    make_authorization,
    make_change_request,
    make_disassociation_request,
    make_invitation,
    make_registration,
)
from tests.orders.helpers import CREATE_PROXY, make_world, new_line

Setup = Callable[[Any, Any, Any], Awaitable[None]]
PAST = timedelta(hours=1)
GRACE_OVER = timedelta(days=get_settings().resource_grace_period_days) + PAST


async def _expired_resource(session, client, frozen_clock):
    customer = await make_customer(session, await make_partner(session))
    await make_resource(session, customer, expires_at=clock.now() - GRACE_OVER)


async def _customer_in_arrears(session, client, frozen_clock):
    customer = await make_customer(session, await make_partner(session))
    await make_resource(session, customer, billing_mode=BillingMode.ON_DEMAND, expires_at=None)
    await credit.charge(platform(session), customer, Decimal("10.00"), reference="test:arrears")


async def _unpaid_order(session, client, frozen_clock):
    world = await make_world(session)
    body = await gql(
        client,
        CREATE_PROXY,
        {
            "input": {
                "customerId": global_id("Customer", world.customer.id),
                "lines": [new_line(world.products["ecs"])],
                "idempotencyKey": "job-close",
            }
        },
        token=world.admin,
    )
    assert body["data"]["createProxyOrder"]["userErrors"] == [], body
    frozen_clock.advance(timedelta(hours=get_settings().order_close_after_hours) + PAST)


async def _unanswered_change(session, client, frozen_clock):
    customer = await make_customer(session, await make_partner(session))
    await make_change_request(session, customer, expires_at=clock.now() - PAST)


async def _lapsed_registration(session, client, frozen_clock):
    partner = await make_partner(session)
    await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=clock.now() - PAST
    )


async def _expiring_registration(session, client, frozen_clock):
    partner = await make_partner(session)
    await make_registration(
        session, partner, status=RegistrationStatus.APPROVED, expires_at=clock.now() + PAST
    )


async def _lapsed_invitation(session, client, frozen_clock):
    await make_invitation(session, await make_partner(session), expires_at=clock.now() - PAST)


async def _lapsed_authorization(session, client, frozen_clock):
    customer = await make_customer(session, await make_partner(session))
    await make_authorization(session, customer, ends_at=clock.now() - PAST)


async def _overdue_disassociation(session, client, frozen_clock):
    customer = await make_customer(session, await make_partner(session))
    await make_disassociation_request(session, customer, filed_at=clock.now() - timedelta(days=16))


async def _lapsed_certification(session, client, frozen_clock):
    await make_partner(session, certification_expires_at=clock.now() - PAST)


async def _unrated_usage(session, client, frozen_clock):
    w = await consumption_world(session)
    await ingest_batch(platform(session), [usage(w.resource, at(MAY_1, 1), "2")], rate=False)


async def _consumption_past_retention(session, client, frozen_clock):
    from tests.consumption.test_retention import MAY_DUE, consumption

    await consumption(session)
    frozen_clock.set(MAY_DUE)


async def _lapsed_coupon(session, client, frozen_clock):
    from app.services.coupons.expiry import SETTLE_AFTER
    from tests.coupons.helpers import cash, issue, make_world

    world = await make_world(session)
    await issue(session, world.finance, world.quota, world.customers[:1], cash(days=1))
    frozen_clock.advance(timedelta(days=1) + SETTLE_AFTER + PAST)


async def _overdue_withdrawal(session, client, frozen_clock):
    from tests.factories import make_user, platform_token, token_for
    from tests.funds.helpers import recharge
    from tests.funds.withdrawal_helpers import BANK, HOLDER, in_state, request_input

    partner = await make_partner(session, certified_company_name=HOLDER)
    token = await token_for(session, await make_user(session, partner, Role.FINANCE))
    await recharge(session, partner, "100.00", channel=BANK)
    await in_state(client, token, await platform_token(session), "APPROVED", request_input())
    frozen_clock.advance(timedelta(days=30))


AUDITED: dict[str, tuple[Setup, str]] = {
    "resources.expire": (_expired_resource, "resource.expire"),
    "funds.arrears-resources": (_customer_in_arrears, "resource.arrears_grace"),
    "orders.close-unpaid": (_unpaid_order, "order.close"),
    "association_changes.expire": (_unanswered_change, "association_change.expire"),
    "registrations.expire": (_lapsed_registration, "registration.expire"),
    "registrations.remind": (_expiring_registration, "registration.remind"),
    "invitations.expire": (_lapsed_invitation, "invitation.expire"),
    "authorizations.expire": (_lapsed_authorization, "authorization.expire"),
    "disassociation_requests.auto_approve": (
        _overdue_disassociation,
        "disassociation_request.auto_approve",
    ),
    "consumption.rate": (_unrated_usage, "consumption.charge"),
    "coupons.expire": (_lapsed_coupon, "coupons.expire"),
    "consumption.purge": (_consumption_past_retention, "consumption.purge"),
    "partners.certification": (_lapsed_certification, "partner.certification_expire"),
    "funds.withdrawals-overdue": (_overdue_withdrawal, "funds.withdrawal_overdue"),
}
NOT_AUDITED = {
    "idempotency.purge-expired": "forgets stored replay outcomes: no business state changes",
}


def test_every_job_is_audited_or_says_why_not():
    registered = set(load_registry())

    assert registered == set(AUDITED) | set(NOT_AUDITED), (
        "give each job an entry in AUDITED (setup, action) or NOT_AUDITED (reason): "
        f"{sorted(registered ^ (set(AUDITED) | set(NOT_AUDITED)))}"
    )
    assert not set(AUDITED) & set(NOT_AUDITED)


@pytest.mark.parametrize("name", sorted(AUDITED))
async def test_a_job_that_changes_state_audits_as_the_system(client, session, frozen_clock, name):
    # given something due
    setup, action = AUDITED[name]
    await setup(session, client, frozen_clock)
    ctx = ServiceContext(session, Principal.system(), request_id=f"job:{name}")

    # when the job runs (as `jobs run-due` runs it)
    result = await load_registry()[name].run(ctx)
    await session.flush()

    # then each change is an event of the system principal, naming the job
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.request_id == f"job:{name}"))
    ).all()
    assert [e.action for e in events if e.action == action], (name, result)
    for event in events:
        assert event.principal_kind is PrincipalKind.PLATFORM
        assert (event.actor_user_id, event.actor_customer_id) == (None, None)
        assert event.partner_id is not None


async def test_a_job_that_finds_nothing_due_audits_nothing(session):
    ctx = ServiceContext(session, Principal.system(), request_id="job:idle")

    for entry in load_registry().values():
        await entry.run(ctx)
    await session.flush()

    assert (
        await session.scalars(select(AuditEvent).where(AuditEvent.request_id == "job:idle"))
    ).all() == []


async def test_run_due_audits_under_the_jobs_name(db, session, frozen_clock):
    customer = await make_customer(session, await make_partner(session))
    resource = await make_resource(session, customer, expires_at=clock.now() - GRACE_OVER)
    await session.commit()

    await run_due(db)

    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "resource.expire", AuditEvent.object_id == resource.id
        )
    )
    assert event is not None and event.request_id == "job:resources.expire"
    assert event.after == {"status": "EXPIRED"} and event.partner_id == customer.partner_id


async def test_a_blocked_auto_approval_is_audited_once_per_change_of_reasons(session):
    # given an overdue request of a customer in arrears (which blocks a disassociation)
    customer = await make_customer(session, await make_partner(session))
    await credit.charge(platform(session), customer, Decimal("10.00"), reference="test:owing")
    await make_disassociation_request(session, customer, filed_at=clock.now() - timedelta(days=16))
    job = load_registry()["disassociation_requests.auto_approve"]
    ctx = ServiceContext(session, Principal.system(), request_id="job:block")

    # when the job runs twice
    first = await job.run(ctx)
    await job.run(ctx)
    await session.flush()

    # then the block is one event
    actions = (
        await session.scalars(select(AuditEvent.action).where(AuditEvent.request_id == "job:block"))
    ).all()
    assert "1 blocked" in first
    assert actions == ["disassociation_request.block"]
