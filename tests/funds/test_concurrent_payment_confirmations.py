"""Two partners' recharges confirmed with one payment reference at once (PostgreSQL): one is
credited, the other is answered PAYMENT_REFERENCE_USED, as it is a moment later.

These run in their own committed transactions, so the test cleans up with TRUNCATE.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from app.main import create_app
from app.models import PaymentReference, Recharge
from app.models.funds.enums import RechargeChannel, RechargeStatus
from app.models.partners.enums import Role
from app.services.funds.verify import verify
from tests import committed_postgres
from tests.factories import make_partner, make_user, platform_token, token_for
from tests.funds.recharge_helpers import CONFIRM, CREATE, confirm_input, create_input
from tests.rows import reread

committed = committed_postgres.committed  # a fixture shared by the PostgreSQL races


async def test_one_reference_confirming_two_partners_recharges_at_once(committed, settings):
    # given two partners with a FINANCE user each, and the platform
    async with committed.session(write=True) as session:
        tokens = []
        for _ in range(2):
            partner = await make_partner(session)
            tokens.append(await token_for(session, await make_user(session, partner, Role.FINANCE)))
        platform = await platform_token(session)
        await session.commit()
    app = create_app(settings, database=committed)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:

        async def call(document: str, variables: dict, token: str) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": document, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.json()["data"]

        orders = [(await call(CREATE, create_input(), t))["createRecharge"] for t in tokens]
        ids = [o["recharge"]["id"] for o in orders]

        # when the platform confirms both with one reference at the same moment
        results = await asyncio.gather(
            *(
                call(CONFIRM, confirm_input(rid, reference="pay-race", key=f"k-{i}"), platform)
                for i, rid in enumerate(ids)
            )
        )

    # then one recharge is credited, the other answered as it would be a moment later
    payloads = [r["confirmRechargePayment"] for r in results]
    assert sorted(bool(p["recharge"]) for p in payloads) == [False, True]
    assert [(e["code"], e["field"]) for p in payloads for e in p["userErrors"]] == [
        ("PAYMENT_REFERENCE_USED", ["input", "paymentReference"])
    ]
    async with committed.session() as session:
        confirmed = select(func.count()).where(Recharge.status == RechargeStatus.CONFIRMED)
        assert await session.scalar(confirmed.select_from(Recharge)) == 1
        held = await session.get(PaymentReference, (RechargeChannel.ALIPAY, "pay-race"))
        winner = await reread(session, Recharge, held.recharge_id)
        assert (winner.status, winner.payment_reference) == (RechargeStatus.CONFIRMED, "pay-race")
        assert await verify(session) == []
