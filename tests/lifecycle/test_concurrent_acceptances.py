"""Rules that span partners, under concurrency (PostgreSQL): the platform-side keys hold.

These run in their own committed transactions, so the test cleans up with TRUNCATE.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.main import create_app
from app.models import Customer, Invitation, InvitationToken, OpenAssociation
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import InvitationChannel, InvitationStatus
from tests import committed_postgres
from tests.factories import customer_token, make_customer, make_partner, make_user
from tests.lifecycle.factories import make_invitation

ACCEPT = """
mutation Accept($token: String!) {
  acceptInvitation(input: {token: $token}) { customer { id } userErrors { code } }
}
"""


committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races


async def count(database, model, *conditions) -> int:
    async with database.session() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*conditions))


async def test_one_account_accepting_two_partners_invitations_at_once(committed, settings):
    # given a cloud account with no open association, invited by two partners
    async with committed.session(write=True) as session:
        first, second = await make_partner(session), await make_partner(session)
        former = await make_customer(session, first, ended_at=clock.now())
        token = await customer_token(session, former)
        raws = [(await make_invitation(session, p))[1] for p in (first, second)]
        await session.commit()
    app = create_app(settings, database=committed)

    # when it accepts both at the same moment
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:

        async def accept(raw: str) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": ACCEPT, "variables": {"token": raw}},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.json()["data"]["acceptInvitation"]

        results = await asyncio.gather(*(accept(raw) for raw in raws))

    # then exactly one association is open, and the other call got today's answer
    assert sorted(bool(r["customer"]) for r in results) == [False, True]
    assert [e["code"] for r in results for e in r["userErrors"]] == ["ACCOUNT_ALREADY_ASSOCIATED"]
    account = former.cloud_account_id
    open_now = (Customer.cloud_account_id == account, Customer.ended_at.is_(None))
    assert await count(committed, Customer, *open_now) == 1
    assert await count(committed, OpenAssociation, OpenAssociation.cloud_account_id == account) == 1


async def _racing(committed, make_row) -> list[object]:
    """Two sessions insert at once; each holds its row a moment before committing."""

    async def insert(i: int) -> object:
        async with committed.session(write=True) as session:
            row = await make_row(session, i)
            session.add(row)
            await session.flush()
            await asyncio.sleep(0.2)
            await session.commit()
            return row.id

    return await asyncio.gather(insert(0), insert(1), return_exceptions=True)


async def test_two_open_associations_forced_at_once(committed):
    # given one cloud account and two partners
    async with committed.session(write=True) as session:
        partners = [await make_partner(session), await make_partner(session)]
        former = await make_customer(session, partners[0], ended_at=clock.now())
        await session.commit()

    async def association(_session, i: int) -> Customer:
        return Customer(
            partner_id=partners[i].id,
            cloud_account_id=former.cloud_account_id,
            name=former.name,
            account_name=former.account_name,
            association_type=AssociationType.RESELLER,
            associated_at=clock.now(),
            labels=[],
            remark="",
        )

    # when both partners' rows are written at once, past every check of the services
    results = await _racing(committed, association)

    # then the platform key lets exactly one through
    assert sorted(type(r).__name__ for r in results) == ["IntegrityError", "int"]
    assert any(isinstance(r, IntegrityError) for r in results)
    open_now = (Customer.cloud_account_id == former.cloud_account_id, Customer.ended_at.is_(None))
    assert await count(committed, Customer, *open_now) == 1


async def test_one_token_hash_forced_twice_at_once(committed):
    async with committed.session(write=True) as session:
        partners = [await make_partner(session), await make_partner(session)]
        users = [await make_user(session, p) for p in partners]
        await session.commit()

    async def invitation(_session, i: int) -> Invitation:
        return Invitation(
            partner_id=partners[i].id,
            created_by_id=users[i].id,
            channel=InvitationChannel.OFFLINE,
            association_type=AssociationType.RESELLER,
            company_name=f"Twin {i} Co., Ltd.",
            token_hash="f" * 64,
            status=InvitationStatus.SENT,
            sent_at=clock.now(),
        )

    results = await _racing(committed, invitation)

    assert sorted(type(r).__name__ for r in results) == ["IntegrityError", "int"]
    assert await count(committed, Invitation, Invitation.token_hash == "f" * 64) == 1
    assert await count(committed, InvitationToken) == 1
