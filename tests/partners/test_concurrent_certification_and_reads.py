"""Concurrency (PostgreSQL): two renewals at once extend a certification once; two "mark all
read" at once both succeed and mark each notification once.

These requests run in their own committed transactions, so the test cleans up with TRUNCATE.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from app import clock
from app.clock import add_months
from app.main import create_app
from app.models import Partner, PartnerNotificationRead
from app.models.partners.enums import Role
from tests import committed_postgres
from tests.factories import global_id, make_partner, make_user, platform_token, token_for
from tests.partners.notification_helpers import MARK, make_notification

CERTIFY = """
mutation($input: CertifyPartnerInput!) {
  certifyPartner(input: $input) { partner { id } userErrors { code } }
}
"""


committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races


async def _post(client, query: str, variables: dict, token: str) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()


async def test_two_renewals_at_once_extend_the_certification_once(committed, settings):
    # given a certification ending in 10 days
    end = clock.now().replace(microsecond=0) + timedelta(days=10)
    async with committed.session(write=True) as session:
        partner = await make_partner(session, certification_expires_at=end)
        token = await platform_token(session)
        await session.commit()
    app = create_app(settings, database=committed)
    pid = global_id("Partner", partner.id)

    # when the platform sends two renewals with different keys at the same moment
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        results = await asyncio.gather(
            *(
                _post(client, CERTIFY, {"input": {"partnerId": pid, "idempotencyKey": k}}, token)
                for k in ("twin-1", "twin-2")
            )
        )

    # then one renewed, the other found it renewed already (too early now)
    codes = sorted(e["code"] for r in results for e in r["data"]["certifyPartner"]["userErrors"])
    assert codes == ["RENEWAL_TOO_EARLY"]
    async with committed.session() as session:
        stored = await session.scalar(
            select(Partner.certification_expires_at).where(Partner.id == partner.id)
        )
    assert stored == add_months(end, 12)


async def test_two_mark_all_read_at_once_both_succeed(committed, settings):
    # given 20 notifications
    async with committed.session(write=True) as session:
        partner = await make_partner(session)
        user = await make_user(session, partner, Role.VIEWER)
        rows = [await make_notification(session, partner) for _ in range(20)]
        token = await token_for(session, user)
        await session.commit()
    app = create_app(settings, database=committed)
    newest = global_id("PartnerNotification", rows[-1].id)

    # when the same user marks all read from two tabs at once
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        results = await asyncio.gather(
            *(_post(client, MARK, {"input": {"upToId": newest}}, token) for _ in range(2))
        )

    # then neither fails and each notification is read once
    payloads = [r["data"]["markPartnerNotificationsRead"] for r in results]
    assert [p["userErrors"] for p in payloads] == [[], []]
    assert sum(p["markedCount"] for p in payloads) == 20
    async with committed.session() as session:
        count = await session.scalar(
            select(func.count()).where(PartnerNotificationRead.user_id == user.id)
        )
    assert count == 20
