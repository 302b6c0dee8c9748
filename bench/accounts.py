"""The benchmark's money and people: customer accounts, account managers, a coupon quota.

What the console's customer list (issue 17's query A) shows besides names: every customer has
an account (most with a positive balance, some using credit, about one in ten in arrears), nine
in ten have an account manager (a SALES user of the partner), and the resources of a customer
in arrears are stored with the status the rules give them (`rule_status`), as the
`funds.arrears-resources` job would have stored it, so a database-first reader of the stored
column (PostGraphile) and the product agree.

Arrears are 1-5 days old (GRACE_PERIOD) or 30-90 days old (FROZEN): well away from the
`ARREARS_FREEZE_AFTER_DAYS` (15) boundary, so a benchmark run in the days after generating
still reads the status that was stored.

Balances are set directly, not posted through the ledger (the benchmark measures reads), so
`funds verify` does not hold on this data; the coupon quota's books do (`coupons verify`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import Coupon, CouponQuota, CouponQuotaRecord, CustomerAccount, PartnerUser
from app.models.coupons.enums import CouponKind, CouponQuotaRecordKind, CouponStatus
from app.models.customers.enums import BillingMode, ResourceStatus
from app.models.partners.enums import Role
from app.services.core.resource_status import rule_status
from bench.bulk import copy_rows, insert_returning

CENT = Decimal("0.01")
ACCOUNT_COLUMNS = [
    "partner_id",
    "customer_id",
    "balance",
    "credit_limit",
    "frozen_own_cash",
    "own_cash_held",
    "arrears_since",
    "updated_at",
]
COUPONS = 20
COUPON_VALUE = Decimal("100.00")
QUOTA = Decimal("100000.00")


@dataclass(frozen=True)
class Account:
    """A customer's account as generated (minor units, like the stored columns)."""

    balance: int
    credit_limit: int
    arrears_since: datetime | None

    @property
    def in_arrears(self) -> bool:
        return self.balance + self.credit_limit < 0


def make_account(rng: random.Random, now: datetime) -> Account:
    """A balance: 70 % positive, 20 % using credit within its limit, 10 % in arrears."""
    draw = rng.random()
    if draw < 0.7:
        limit = rng.choice((0, 1_000_000))
        return Account(rng.randrange(0, 5_000_000), limit, None)
    if draw < 0.9:
        limit = 2_000_000
        return Account(-rng.randrange(1, limit + 1), limit, None)
    limit = rng.choice((0, 500_000))
    age = rng.randint(1, 5) if rng.random() < 0.5 else rng.randint(30, 90)
    return Account(-(limit + rng.randrange(1, 1_000_000)), limit, now - timedelta(days=age))


def resource_status(account: Account, now: datetime) -> ResourceStatus:
    """What the rules give an on-demand resource of this account's customer at `now`."""
    return rule_status(
        ResourceStatus.ACTIVE,
        BillingMode.ON_DEMAND,
        None,
        account.in_arrears,
        account.arrears_since,
        now,
    )


async def write_accounts(
    conn: AsyncConnection,
    partner_id: int,
    customer_ids: list[int],
    accounts: list[Account],
    now: datetime,
) -> None:
    """One `customer_accounts` row per customer (COPY on PostgreSQL)."""
    rows = [
        (partner_id, cid, a.balance, a.credit_limit, 0, 0, a.arrears_since, now)
        for cid, a in zip(customer_ids, accounts, strict=True)
    ]
    await copy_rows(conn, CustomerAccount.__table__, ACCOUNT_COLUMNS, rows)


async def write_managers(
    conn: AsyncConnection, partner_id: int, count: int, now: datetime
) -> list[int]:
    """`count` SALES users who manage customers; their ids."""
    return await insert_returning(
        conn,
        PartnerUser.__table__,
        [
            {
                "partner_id": partner_id,
                "name": f"Account Manager {i:02d}",
                "email": f"manager{i:02d}@bench.test",
                "role": Role.SALES,
                "created_at": now,
            }
            for i in range(count)
        ],
    )


def manager_of(index: int, managers: list[int]) -> int | None:
    """The manager of the `index`-th customer: nine in ten have one, spread evenly."""
    if not managers or index % 10 == 9:
        return None
    return managers[index % len(managers)]


async def write_coupons(
    conn: AsyncConnection, partner_id: int, customer_ids: list[int], issuer_id: int, now: datetime
) -> int:
    """A quota granted to the partner and CASH coupons drawn from it for the first customers,
    with the quota's records (GRANT, then one ISSUE per coupon): books that `coupons verify`
    accepts. Answers how many coupons were written."""
    holders = customer_ids[:COUPONS]
    remaining = QUOTA - COUPON_VALUE * len(holders)
    (quota_id,) = await insert_returning(
        conn,
        CouponQuota.__table__,
        [
            {
                "partner_id": partner_id,
                "amount": QUOTA,
                "remaining": remaining,
                "valid_from": now - timedelta(days=30),
                "valid_to": now + timedelta(days=335),
                "remark": "benchmark",
                "created_at": now - timedelta(days=30),
            }
        ],
    )
    coupon_ids = await insert_returning(
        conn,
        Coupon.__table__,
        [
            {
                "partner_id": partner_id,
                "quota_id": quota_id,
                "customer_id": cid,
                "kind": CouponKind.CASH,
                "status": CouponStatus.AVAILABLE,
                "face_value": COUPON_VALUE,
                "value": COUPON_VALUE,
                "balance": COUPON_VALUE,
                "valid_from": now - timedelta(days=1),
                "valid_to": now + timedelta(days=90),
                "service_types": [],
                "issued_by_user_id": issuer_id,
                "created_at": now,
            }
            for cid in holders
        ],
    )
    records: list[dict[str, Any]] = [
        {
            "partner_id": partner_id,
            "quota_id": quota_id,
            "kind": CouponQuotaRecordKind.GRANT,
            "delta": QUOTA,
            "amount": QUOTA,
            "remaining_after": QUOTA,
            "coupon_id": None,
            "created_by_user_id": None,  # the platform grants
            "created_at": now - timedelta(days=30),
        }
    ]
    left = QUOTA
    for coupon_id in coupon_ids:
        left -= COUPON_VALUE
        records.append(
            {
                "partner_id": partner_id,
                "quota_id": quota_id,
                "kind": CouponQuotaRecordKind.ISSUE,
                "delta": -COUPON_VALUE,
                "amount": COUPON_VALUE,
                "remaining_after": left,
                "coupon_id": coupon_id,
                "created_by_user_id": issuer_id,
                "created_at": now,
            }
        )
    await insert_returning(conn, CouponQuotaRecord.__table__, records)
    return len(coupon_ids)
