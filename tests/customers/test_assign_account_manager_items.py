"""assignAccountManager / unassignAccountManager: per-item results (`items`), a savepoint per
item, and the deprecated `results` field that still answers for one release."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, Customer
from app.models.partners.enums import Role
from app.services.core.errors import DomainError, ErrorCode
from app.services.customers import account_managers
from tests.factories import global_id, gql, make_customer, make_partner, make_user, token_for
from tests.rows import reread

ASSIGN = """
mutation Assign($input: AssignAccountManagerInput!) {
  assignAccountManager(input: $input) {
    manager { id }
    items { index customer { id accountManager { id } } userErrors { code field } }
    results { customerId customer { id } userErrors { code field } }
    userErrors { code field }
  }
}
"""
UNASSIGN = """
mutation Unassign($ids: [ID!]!) {
  unassignAccountManager(input: {customerIds: $ids}) {
    items { index customer { id accountManager { id } } userErrors { code field } }
    results { customerId customer { id } userErrors { code field } }
    userErrors { code field }
  }
}
"""


def cid(customer) -> str:
    return global_id("Customer", customer.id)


def uid(user) -> str:
    return global_id("PartnerUser", user.id)


def errors(entries) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in entries]


async def test_good_items_beside_bad_ones(client, session, frozen_clock):
    # given
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    a, b = await make_customer(session, partner), await make_customer(session, partner)
    former = await make_customer(session, partner, ended_at=frozen_clock.now())
    ids = [cid(a), "garbage", cid(b), cid(a), cid(former)]

    # when
    body = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(sales), "customerIds": ids}},
        token=await token_for(session, admin),
    )

    # then every input has its entry at its index, changed or refused with its own errors
    payload = body["data"]["assignAccountManager"]
    items = payload["items"]
    assert [item["index"] for item in items] == [0, 1, 2, 3, 4]
    assert [item["customer"] for item in items] == [
        {"id": cid(a), "accountManager": {"id": uid(sales)}},
        None,
        {"id": cid(b), "accountManager": {"id": uid(sales)}},
        None,
        None,
    ]
    assert [errors(item["userErrors"]) for item in items] == [
        [],
        [("NOT_FOUND", ["input", "customerIds", "1"])],
        [],
        [("INVALID_INPUT", ["input", "customerIds", "3"])],
        [("INVALID_STATE", ["input", "customerIds", "4"])],
    ]
    assert errors(payload["userErrors"]) == [e for i in items for e in errors(i["userErrors"])]
    # the deprecated field still answers, the same entries keyed by the id as given
    assert [r["customerId"] for r in payload["results"]] == ids
    assert [r["customer"] for r in payload["results"]] == [
        {"id": cid(a)},
        None,
        {"id": cid(b)},
        None,
        None,
    ]
    assert [r["userErrors"] for r in payload["results"]] == [i["userErrors"] for i in items]


async def test_a_failed_item_changes_nothing(client, session, monkeypatch):
    # given an audit step that refuses the second customer after its manager was written
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    customers = [await make_customer(session, partner) for _ in range(3)]
    real_record = account_managers.audit.record

    async def refusing_record(ctx, action, object_type, object_id, **kwargs):
        if object_id == customers[1].id:
            raise DomainError(ErrorCode.INVALID_STATE, "Refused.", ["customerIds", 1])
        return await real_record(ctx, action, object_type, object_id, **kwargs)

    monkeypatch.setattr(account_managers.audit, "record", refusing_record)

    # when
    body = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(sales), "customerIds": [cid(c) for c in customers]}},
        token=await token_for(session, admin),
    )

    # then the refused item kept its (absent) manager; the others changed
    items = body["data"]["assignAccountManager"]["items"]
    assert [errors(item["userErrors"]) for item in items] == [
        [],
        [("INVALID_STATE", ["input", "customerIds", "1"])],
        [],
    ]
    managers = [(await reread(session, Customer, c.id)).account_manager_id for c in customers]
    assert managers == [sales.id, None, sales.id]
    audited = await session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "customer.assign_account_manager")
    )
    assert sorted(audited) == sorted([customers[0].id, customers[2].id])


async def test_a_refused_call_has_no_items(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner)

    body = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(finance), "customerIds": [cid(customer)]}},
        token=await token_for(session, admin),
    )

    payload = body["data"]["assignAccountManager"]
    assert (payload["manager"], payload["items"], payload["results"]) == (None, [], [])
    assert errors(payload["userErrors"]) == [("INVALID_ACCOUNT_MANAGER", ["input", "managerId"])]


async def test_unassign_answers_per_item(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    managed = await make_customer(session, partner, manager=sales)
    foreign = await make_customer(session, await make_partner(session), manager=None)

    body = await gql(
        client,
        UNASSIGN,
        {"ids": [cid(foreign), cid(managed)]},
        token=await token_for(session, admin),
    )

    payload = body["data"]["unassignAccountManager"]
    assert [(i["index"], i["customer"]) for i in payload["items"]] == [
        (0, None),
        (1, {"id": cid(managed), "accountManager": None}),
    ]
    assert errors(payload["items"][0]["userErrors"]) == [
        ("NOT_FOUND", ["input", "customerIds", "0"])
    ]
    assert [r["customerId"] for r in payload["results"]] == [cid(foreign), cid(managed)]
    assert errors(payload["userErrors"]) == [("NOT_FOUND", ["input", "customerIds", "0"])]
