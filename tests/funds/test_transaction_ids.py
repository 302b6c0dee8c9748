"""Public ledger transaction ids: the business date and a random part, so one partner's ids
say nothing about how many transactions anyone else (or it) made; lookups by id still work;
the migration keeps the ids already published."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import select

from app.migrate import upgrade
from app.models import LedgerTransaction
from app.models.partners.enums import Role
from app.services.funds.ledger import new_number
from tests.factories import global_id, gql, make_customer, make_partner, make_user, token_for
from tests.funds.helpers import recharge

ID = re.compile(r"TX(\d{8})-([0-9A-HJKMNP-TV-Z]{12})")

ADJUST = """
mutation Adjust($input: AdjustCustomerFundsInput!) {
  adjustCustomerFunds(input: $input) { adjustment { id transactionId } userErrors { code } }
}
"""

RECORDS = """
query Records($filter: AdjustmentRecordFilter) {
  adjustmentRecords(filter: $filter, first: 10) { nodes { id transactionId } }
}
"""

STATEMENT = "query { statement(first: 50) { nodes { transactionId kind } } }"


async def _partner(session):
    partner = await make_partner(session)
    finance = await token_for(session, await make_user(session, partner, Role.FINANCE))
    await recharge(session, partner, "10000.00")
    return partner, finance, await make_customer(session, partner)


async def _allocate(client, token, customer, n: int) -> str:
    body = await gql(
        client,
        ADJUST,
        {
            "input": {
                "customerId": global_id("Customer", customer.id),
                "kind": "ALLOCATE",
                "amount": "1.00",
                "idempotencyKey": f"tx-{customer.id}-{n}",
            }
        },
        token=token,
    )
    payload = body["data"]["adjustCustomerFunds"]
    assert payload["userErrors"] == []
    return payload["adjustment"]["transactionId"]


async def test_another_partners_volume_does_not_show_in_my_ids(client, session, frozen_clock):
    # given: partner A transacts, partner B makes many transactions, A transacts again
    _a, a_token, a_customer = await _partner(session)
    _b, b_token, b_customer = await _partner(session)
    mine = [await _allocate(client, a_token, a_customer, 1)]
    between = [await _allocate(client, b_token, b_customer, n) for n in range(25)]
    mine.append(await _allocate(client, a_token, a_customer, 2))
    mine.append(await _allocate(client, a_token, a_customer, 3))

    # then: every id is the business date and 12 random characters; nothing in A's ids
    # counts, neither B's 25 transactions between A's first two nor A's own
    for tid in mine + between:
        match = ID.fullmatch(tid)
        assert match and match.group(1) == "20260615", tid
    stored = {t.number: t.id for t in (await session.scalars(select(LedgerTransaction))).all()}
    assert set(mine + between) <= set(stored)
    # the random part is not the row id (the old sequence) written some other way
    for tid in mine + between:
        assert tid.split("-")[1] not in (f"{stored[tid]:012d}", f"{stored[tid]:08d}")
    assert len(set(mine + between)) == 28
    # a counter would sort in creation order; 28 random parts do not (1 in 28! by chance)
    in_order = [t.split("-")[1] for t in [mine[0], *between, mine[1], mine[2]]]
    assert in_order != sorted(in_order)


def test_new_ids_are_unique_and_carry_the_business_date():
    # 01:30 on June 16 in Shanghai is June 15 in UTC
    moment = datetime(2026, 6, 15, 17, 30, tzinfo=UTC)

    numbers = {new_number(moment) for _ in range(20_000)}

    assert len(numbers) == 20_000
    assert all(n.startswith("TX20260616-") and ID.fullmatch(n) for n in numbers)


async def test_adjustment_records_are_found_by_transaction_id(client, session, frozen_clock):
    # given
    _a, token, customer = await _partner(session)
    first = await _allocate(client, token, customer, 1)
    await _allocate(client, token, customer, 2)

    # when
    body = await gql(client, RECORDS, {"filter": {"transactionId": first}}, token=token)
    unknown = await gql(
        client, RECORDS, {"filter": {"transactionId": "TX20260615-00000001"}}, token=token
    )

    # then
    assert [n["transactionId"] for n in body["data"]["adjustmentRecords"]["nodes"]] == [first]
    assert unknown["data"]["adjustmentRecords"]["nodes"] == []
    statement = await gql(client, STATEMENT, token=token)
    assert first in {n["transactionId"] for n in statement["data"]["statement"]["nodes"]}


async def test_another_partners_transaction_id_finds_nothing(client, session, frozen_clock):
    _a, a_token, a_customer = await _partner(session)
    _b, b_token, _b_customer = await _partner(session)
    theirs = await _allocate(client, a_token, a_customer, 1)

    body = await gql(client, RECORDS, {"filter": {"transactionId": theirs}}, token=b_token)

    assert body["data"]["adjustmentRecords"]["nodes"] == []


def test_the_migration_keeps_the_ids_already_published(tmp_path):
    # given: a database before this change, with two transactions
    url = f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
    upgrade(url, "8b636f251b90")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    with engine.begin() as db:
        db.execute(
            sa.text(
                "INSERT INTO partners (id, name, certified_company_name, certification_status,"
                " contracting_entity, remittance_account_number, sales_see_all_customers,"
                " created_at) VALUES (1, 'p', 'p', 'CERTIFIED', 'OTHER', 'RA-1', 0,"
                " '2026-06-15 17:30:00.000000')"
            )
        )
        db.execute(
            sa.text(
                "INSERT INTO ledger_transactions (id, partner_id, kind, reference, created_at)"
                " VALUES (42, 1, 'RECHARGE', 'Recharge:1', '2026-06-15 17:30:00.000000'),"
                " (43, 1, 'RECHARGE', 'Recharge:2', '2026-06-15 10:00:00.000000')"
            )
        )
        db.execute(
            sa.text(
                "INSERT INTO recharges (id, partner_id, channel, amount, currency, status,"
                " remaining, withdrawn, created_at) VALUES (1, 1, 'BANK_TRANSFER', 100, 'CNY',"
                " 'CONFIRMED', 100, 0, '2026-06-15 10:00:00.000000'), (2, 1, 'ALIPAY', 100,"
                " 'CNY', 'CONFIRMED', 100, 0, '2026-06-15 10:00:00.000000')"
            )
        )

    # when
    upgrade(url)

    # then: the ids as they were shown (business date, row id), and the old transfers
    # arrived at the dedicated account
    with engine.connect() as db:
        numbers = dict(db.execute(sa.text("SELECT id, number FROM ledger_transactions")).all())
        accounts = dict(db.execute(sa.text("SELECT id, remittance_account FROM recharges")).all())
        held = db.execute(sa.text("SELECT COUNT(*) FROM customer_withdrawals")).scalar()
    engine.dispose()
    assert numbers == {42: "TX20260616-00000042", 43: "TX20260615-00000043"}
    assert accounts == {1: "DEDICATED", 2: None}
    assert held == 0
