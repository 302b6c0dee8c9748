"""The world of the two-tenant probe: partners A and B with everything the demo creates.

Built once per module through the demo seeder (`app/demo/`: services and rows of every domain —
customers, resources, recharges, adjustments, withdrawals, registrations, invitations,
association changes, disassociation requests, authorizations, orders, consumption, audit
events, tokens), with fewer customers than `seed-demo` so it is quick. A is the demo's first
partner (the one with consumption), B the second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from unittest import mock

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

import app.models as models
from app.demo import seed as demo_seed
from app.globalid import to_global_id
from app.models import Base, Customer, PartnerUser
from app.models.partners.enums import PrincipalKind, Role
from app.schema.core.roots import NODE_TYPES
from app.services.partners.tokens import create_token
from tests.conftest import IsolatedDatabase

PARTNER_USER_ROLES = [Role.ADMIN, Role.FINANCE, Role.SALES, Role.VIEWER]
CANDIDATES_PER_TYPE = 6  # A's ids tried per type: one per status, this many at most
# statuses, codes and numbers are not distinctive of a tenant
NOT_DISTINCTIVE = re.compile(r"[A-Z0-9_]+|-?[0-9.]+")
SHARED_TABLES = ("products", "reserved_companies", "bill_cycles")


def _demo_partners() -> list[dict[str, Any]]:
    small = [
        {**spec, "customers": count}
        for spec, count in zip(demo_seed.PARTNERS, (14, 12), strict=True)
    ]
    assert len(small) == 2
    return small


def owner_column(type_name: str) -> str | None:
    """How a node type's rows belong to a partner: `partner_id`, `id` (Partner) or None."""
    table: Table = getattr(models, type_name).__table__
    if type_name == "Partner":
        return "id"
    return "partner_id" if "partner_id" in table.c else None


@dataclass
class World:
    connection: AsyncConnection
    db: IsolatedDatabase
    a: int
    b: int
    tokens: dict[str, str]  # B's principals: ADMIN, FINANCE, SALES, VIEWER, CUSTOMER
    a_candidates: dict[str, list[str]]  # type -> A's global ids the probe sends
    a_ids: set[str]  # every global id of an A object
    a_strings: set[str]  # values found only in A's rows (names, emails, references)
    b_ids: dict[str, str] = field(default_factory=dict)  # type -> one id B may use
    requests: int = 0

    def own_id(self, type_name: str) -> str:
        return self.b_ids[type_name if type_name in self.b_ids else "Customer"]

    def wrong_type_id(self, type_name: str) -> str:
        other = "Order" if type_name == "Customer" else "Customer"
        return self.a_candidates[other][0]


async def _global_ids(
    connection: AsyncConnection, type_name: str, partner: int
) -> list[tuple[str, Any]]:
    table: Table = getattr(models, type_name).__table__
    column = owner_column(type_name)
    query = select(table.c.id, table.c.status if "status" in table.c else table.c.id)
    if column is not None:
        query = query.where(table.c[column] == partner)
    rows = (await connection.execute(query.order_by(table.c.id))).all()
    return [(to_global_id(type_name, row[0]), row[1]) for row in rows]


def _spread(rows: list[tuple[str, Any]]) -> list[str]:
    """One id per status (a state error must not tell a foreign object from a missing one)."""
    chosen: dict[Any, str] = {}
    for gid, status in rows:
        chosen.setdefault(status, gid)
    picked = list(chosen.values()) if len(chosen) > 1 else [gid for gid, _ in rows[:2]]
    return picked[:CANDIDATES_PER_TYPE]


def _value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    return value


async def snapshot(connection: AsyncConnection, partner: int) -> dict[str, list[tuple]]:
    """Every row the partner owns (every table with `partner_id`), its own row and the cloud
    accounts of its customers, as comparable tuples."""
    rows: dict[str, list[tuple]] = {}
    customers = Customer.__table__
    for table in Base.metadata.sorted_tables:
        if "partner_id" in table.c:
            query = select(table).where(table.c.partner_id == partner)
        elif table.name == "partners":
            query = select(table).where(table.c.id == partner)
        elif table.name in SHARED_TABLES and partner == 0:  # the vendor's: nobody's
            query = select(table)
        elif table.name == "cloud_accounts":
            owned = select(customers.c.cloud_account_id).where(customers.c.partner_id == partner)
            query = select(table).where(table.c.id.in_(owned))
        else:
            continue
        result = await connection.execute(query.order_by(*table.primary_key.columns))
        rows[table.name] = [tuple(_value(v) for v in row) for row in result]
    return rows


def _strings(rows: dict[str, list[tuple]]) -> set[str]:
    found: set[str] = set()
    for table_rows in rows.values():
        for row in table_rows:
            found.update(
                v
                for v in row
                if isinstance(v, str) and len(v) >= 6 and not NOT_DISTINCTIVE.fullmatch(v)
            )
    return found


async def build_world(connection: AsyncConnection, db: IsolatedDatabase) -> World:
    with mock.patch.object(demo_seed, "PARTNERS", _demo_partners()):
        await demo_seed.seed(db)
    partners = [
        row[0]
        for row in await connection.execute(
            select(models.Partner.id)
            .where(models.Partner.remittance_account_number.like("DEMO-%"))
            .order_by(models.Partner.id)
        )
    ]
    a, b = partners
    seeded = (models.CouponQuota, models.Coupon, models.PickupVoucher, models.InvoiceProfile)
    for model in (*seeded, models.Invoice):
        for partner in partners:  # the demo seeds them for both partners
            found = select(model.id).where(model.partner_id == partner).limit(1)
            assert await connection.scalar(found) is not None, (model.__name__, partner)
    a_rows, b_rows = await snapshot(connection, a), await snapshot(connection, b)
    a_ids: set[str] = set()
    a_candidates: dict[str, list[str]] = {}
    b_ids: dict[str, str] = {}
    for type_name in NODE_TYPES:
        a_rows_of_type = await _global_ids(connection, type_name, a)
        b_rows_of_type = await _global_ids(connection, type_name, b)
        if owner_column(type_name) is not None:
            a_ids.update(gid for gid, _ in a_rows_of_type)
            a_candidates[type_name] = _spread(a_rows_of_type)
        if b_rows_of_type:
            b_ids[type_name] = b_rows_of_type[0][0]
    tokens: dict[str, str] = {}
    async with db.session() as session:
        for role in PARTNER_USER_ROLES:
            user = await session.scalar(
                select(PartnerUser)
                .where(PartnerUser.partner_id == b, PartnerUser.role == role)
                .order_by(PartnerUser.id)
            )
            assert user is not None
            tokens[role.value] = await create_token(
                session, PrincipalKind.PARTNER_USER, partner_id=b, partner_user_id=user.id
            )
        customer = await session.scalar(
            select(Customer)
            .where(Customer.partner_id == b, Customer.ended_at.is_(None))
            .order_by(Customer.id)
        )
        assert customer is not None
        tokens["CUSTOMER"] = await create_token(
            session, PrincipalKind.CUSTOMER, cloud_account_id=customer.cloud_account_id
        )
        await session.commit()
    return World(
        connection=connection,
        db=db,
        a=a,
        b=b,
        tokens=tokens,
        a_candidates=a_candidates,
        a_ids=a_ids,
        a_strings=_strings(a_rows) - _strings(b_rows) - _strings(await snapshot(connection, 0)),
        b_ids=b_ids,
    )
