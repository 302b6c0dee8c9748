"""Withdrawal due dates: seven working days after approval (Monday-Friday, minus China's
public holidays, plus the make-up working days), overdue once that business day has ended in
Shanghai while unpaid; the `funds.withdrawals-overdue` job flags each overdue one once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from app.models import AuditEvent, CustomerWithdrawal, Withdrawal
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.jobs import load_registry
from app.services.core.principal import Principal
from tests.factories import customer_token, gql, make_partner, make_user, platform_token, token_for
from tests.funds.customer_withdrawal_helpers import APPROVE as APPROVE_CUSTOMER
from tests.funds.customer_withdrawal_helpers import World, frozen_customer
from tests.funds.customer_withdrawal_helpers import requested as customer_requested
from tests.funds.helpers import recharge
from tests.funds.withdrawal_helpers import (
    BANK,
    MARK_PAID,
    REJECT,
    approve,
    in_state,
    request_input,
    requested,
    review,
)

DUE = """
query Due($id: ID!) {
  node(id: $id) {
    ... on Withdrawal { status dueDate overdue }
    ... on CustomerWithdrawal { status dueDate overdue }
  }
}
"""

LISTED = """
query { withdrawals(first: 10) { nodes { id status dueDate overdue } } }
"""

JOB = "funds.withdrawals-overdue"
# NOW is Monday 15 June 2026, 12:00 in Shanghai; seven working days on is Thursday 25 June
# (16, 17, 18, 22, 23, 24, 25: Friday 19 June is the Dragon Boat Festival).
DUE_AFTER_NOW = "2026-06-25"
END_OF_DUE_DAY = datetime(2026, 6, 25, 16, 0, tzinfo=UTC)  # midnight in Shanghai


async def due(client, token, withdrawal_id) -> dict:
    body = await gql(client, DUE, {"id": withdrawal_id}, token=token)
    return body["data"]["node"]


async def run_job(session) -> str:
    ctx = ServiceContext(session, Principal.system(), request_id=f"job:{JOB}")
    result = await load_registry()[JOB].run(ctx)
    await session.flush()
    return result


async def flags(session) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(AuditEvent.object_type, AuditEvent.object_id)
        .where(AuditEvent.action == "funds.withdrawal_overdue")
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
async def customers(session) -> World:
    partner = await make_partner(session)
    customer = await frozen_customer(session, partner)
    return World(
        partner=partner,
        customer=customer,
        customer_token=await customer_token(session, customer),
        admin=await token_for(session, await make_user(session, partner, Role.ADMIN)),
        finance=await token_for(session, await make_user(session, partner, Role.FINANCE)),
        platform=await platform_token(session),
    )


async def test_a_submitted_withdrawal_has_no_due_date(client, session, world, frozen_clock):
    # given
    partner, token, _ = world
    await recharge(session, partner, "1000.00", channel=BANK)

    # when
    withdrawal = await requested(client, token, request_input(amount="100.00"))

    # then
    assert await due(client, token, withdrawal["id"]) == {
        "status": "SUBMITTED",
        "dueDate": None,
        "overdue": False,
    }


async def test_approval_sets_the_due_date_seven_working_days_on(
    client, session, world, frozen_clock
):
    # given
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="100.00"))

    # when
    assert (await approve(client, platform, withdrawal["id"]))["userErrors"] == []

    # then the partner sees it on the node and in its list
    expected = {"status": "APPROVED", "dueDate": DUE_AFTER_NOW, "overdue": False}
    assert await due(client, token, withdrawal["id"]) == expected
    listed = (await gql(client, LISTED, token=token))["data"]["withdrawals"]["nodes"]
    assert listed == [{"id": withdrawal["id"], **expected}]
    # and the approval's audit event carries it
    after = await session.scalar(
        select(AuditEvent.after).where(AuditEvent.action == "funds.approve_withdrawal")
    )
    assert after["due_date"] == DUE_AFTER_NOW


async def test_an_approval_before_national_day_skips_the_holiday_and_counts_the_saturday(
    client, session, world, frozen_clock
):
    # given a withdrawal approved on Monday 28 September 2026 (10:00 in Shanghai)
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await requested(client, token, request_input(amount="100.00"))
    frozen_clock.set(datetime(2026, 9, 28, 2, 0, tzinfo=UTC))

    # when
    assert (await approve(client, platform, withdrawal["id"]))["userErrors"] == []

    # then 29, 30 Sep, 8, 9, 10 (the make-up Saturday), 12, 13 Oct
    assert (await due(client, token, withdrawal["id"]))["dueDate"] == "2026-10-13"


async def test_overdue_once_the_due_day_has_ended_in_shanghai(client, session, world, frozen_clock):
    # given an approved withdrawal
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, "APPROVED", request_input())

    # when the due day is about to end, then it is not overdue
    frozen_clock.set(END_OF_DUE_DAY.replace(hour=15, minute=59, second=59))
    assert (await due(client, token, withdrawal["id"]))["overdue"] is False

    # when it has ended, then it is
    frozen_clock.set(END_OF_DUE_DAY)
    assert (await due(client, token, withdrawal["id"]))["overdue"] is True

    # when the platform pays it, then it no longer is
    paid = await review(client, platform, MARK_PAID, withdrawal["id"], "late-pay")
    assert paid["userErrors"] == []
    assert await due(client, token, withdrawal["id"]) == {
        "status": "PAID",
        "dueDate": DUE_AFTER_NOW,
        "overdue": False,
    }


async def test_a_rejected_withdrawal_is_never_overdue(client, session, world, frozen_clock):
    # given an approved withdrawal rejected after its due date
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, "APPROVED", request_input())
    frozen_clock.set(END_OF_DUE_DAY)

    # when
    rejected = await review(client, platform, REJECT, withdrawal["id"], "late-no", reason="no")

    # then
    assert rejected["userErrors"] == []
    assert (await due(client, token, withdrawal["id"]))["overdue"] is False


async def test_a_customer_withdrawal_is_due_the_same_way(client, session, customers, frozen_clock):
    # given
    withdrawal = await customer_requested(client, customers)

    # when
    body = await gql(
        client,
        APPROVE_CUSTOMER,
        {"input": {"customerWithdrawalId": withdrawal["id"]}},
        token=customers.platform,
    )

    # then
    assert body["data"]["approveCustomerWithdrawal"]["userErrors"] == []
    node = await due(client, customers.finance, withdrawal["id"])
    assert node == {"status": "APPROVED", "dueDate": DUE_AFTER_NOW, "overdue": False}
    frozen_clock.set(END_OF_DUE_DAY)
    assert (await due(client, customers.customer_token, withdrawal["id"]))["overdue"] is True


async def test_the_job_flags_each_overdue_withdrawal_once(
    client, session, world, customers, frozen_clock
):
    # given an approved partner withdrawal and customer withdrawal, both past due, and an
    # approved one that is not due yet, a paid and a submitted one
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    late = await in_state(client, token, platform, "APPROVED", request_input())
    await in_state(client, token, platform, "PAID", request_input())
    await requested(client, token, request_input())
    customer_late = await customer_requested(client, customers)
    await gql(
        client,
        APPROVE_CUSTOMER,
        {"input": {"customerWithdrawalId": customer_late["id"]}},
        token=customers.platform,
    )
    frozen_clock.set(datetime(2026, 6, 24, 2, 0, tzinfo=UTC))
    not_yet = await in_state(client, token, platform, "APPROVED", request_input())
    frozen_clock.set(END_OF_DUE_DAY)

    # when the job runs twice
    first = await run_job(session)
    second = await run_job(session)

    # then the two overdue ones are flagged once each, as the system principal
    assert first == "1 withdrawals and 1 customer withdrawals flagged overdue"
    assert second == "0 withdrawals and 0 customer withdrawals flagged overdue"
    flagged = await flags(session)
    assert sorted(t for t, _ in flagged) == ["CustomerWithdrawal", "Withdrawal"]
    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "funds.withdrawal_overdue")
        )
    ).all()
    assert all(e.principal_kind is PrincipalKind.PLATFORM for e in events)
    assert {e.after["due_date"] for e in events} == {DUE_AFTER_NOW}
    stored = (
        await session.execute(
            select(Withdrawal.due_date, Withdrawal.overdue_flagged_at)
            .where(Withdrawal.overdue_flagged_at.is_not(None))
            .execution_options(populate_existing=True)
        )
    ).all()
    assert [(str(d), at) for d, at in stored] == [(DUE_AFTER_NOW, END_OF_DUE_DAY)]
    assert (await due(client, token, late["id"]))["overdue"] is True
    assert (await due(client, token, not_yet["id"]))["overdue"] is False
    # and the not-yet-due one is flagged once its own day has ended
    frozen_clock.set(datetime(2026, 7, 3, 16, 0, tzinfo=UTC))  # 24 Jun + 7: Friday 3 July
    assert await run_job(session) == "1 withdrawals and 0 customer withdrawals flagged overdue"
    assert len(await flags(session)) == 3


async def test_the_job_dates_a_withdrawal_approved_before_due_dates_existed(
    client, session, world, frozen_clock
):
    # given an approved withdrawal stored without a due date (approved before the migration)
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    withdrawal = await in_state(client, token, platform, "APPROVED", request_input())
    await session.execute(
        update(Withdrawal)
        .where(Withdrawal.partner_id == partner.id)
        .values(due_date=None)
        .execution_options(synchronize_session=False)
    )
    assert (await due(client, token, withdrawal["id"]))["dueDate"] is None
    frozen_clock.set(END_OF_DUE_DAY)

    # when
    await run_job(session)

    # then it got its due date from the approval and was flagged
    assert await due(client, token, withdrawal["id"]) == {
        "status": "APPROVED",
        "dueDate": DUE_AFTER_NOW,
        "overdue": True,
    }
    assert len(await flags(session)) == 1


async def test_the_job_flags_nothing_before_the_due_day_ends(
    client, session, world, customers, frozen_clock
):
    # given approved withdrawals on their due day
    partner, token, platform = world
    await recharge(session, partner, "1000.00", channel=BANK)
    await in_state(client, token, platform, "APPROVED", request_input())
    frozen_clock.set(END_OF_DUE_DAY.replace(hour=15, minute=59))

    # when
    result = await run_job(session)

    # then
    assert result == "0 withdrawals and 0 customer withdrawals flagged overdue"
    assert await flags(session) == []
    assert (
        await session.scalar(
            select(func.count())
            .select_from(CustomerWithdrawal)
            .where(CustomerWithdrawal.overdue_flagged_at.is_not(None))
        )
        == 0
    )
