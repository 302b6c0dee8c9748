"""Account managers: bulk assign/unassign with per-item results, visibility, managedCustomers."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import AuditEvent, Customer
from app.models.partners.enums import Role
from tests.customers.account_manager_helpers import SETTINGS, UNASSIGN, cid, uid
from tests.factories import (
    customer_token,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.rows import reread

ASSIGN = """
mutation Assign($input: AssignAccountManagerInput!) {
  assignAccountManager(input: $input) {
    manager { id }
    results { customerId customer { id accountManager { id } } userErrors { code field } }
    userErrors { code field message }
  }
}
"""


async def test_assign_in_bulk_with_per_item_errors(client, session, frozen_clock):
    # given
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    sales = await make_user(session, partner, Role.SALES)
    a, b = await make_customer(session, partner), await make_customer(session, partner)
    former = await make_customer(session, partner, ended_at=frozen_clock.now())
    foreign = await make_customer(session, await make_partner(session))
    ids = [cid(a), cid(foreign), "garbage", cid(b), cid(a), cid(former)]

    # when
    body = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(sales), "customerIds": ids}},
        token=await token_for(session, admin),
    )

    # then the good items went through, each bad one says why with its index
    payload = body["data"]["assignAccountManager"]
    assert payload["manager"] == {"id": uid(sales)}
    assert [r["customerId"] for r in payload["results"]] == ids
    assert [r["customer"]["id"] if r["customer"] else None for r in payload["results"]] == [
        cid(a),
        None,
        None,
        cid(b),
        None,
        None,
    ]
    assert payload["results"][0]["customer"]["accountManager"] == {"id": uid(sales)}
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "customerIds", "1"]),
        ("NOT_FOUND", ["input", "customerIds", "2"]),
        ("INVALID_INPUT", ["input", "customerIds", "4"]),
        ("INVALID_STATE", ["input", "customerIds", "5"]),
    ]
    assert payload["results"][1]["userErrors"] == [
        {"code": "NOT_FOUND", "field": ["input", "customerIds", "1"]}
    ]
    managed = await session.scalar(
        select(func.count()).where(Customer.account_manager_id == sales.id)
    )
    assert managed == 2
    assert (await reread(session, Customer, foreign.id)).account_manager_id is None
    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.assign_account_manager")
        )
    ).all()
    assert sorted(e.object_id for e in events) == sorted([a.id, b.id])


async def test_the_manager_must_be_sales_or_admin_of_the_partner(client, session):
    partner = await make_partner(session)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    customer = await make_customer(session, partner)
    finance = await make_user(session, partner, Role.FINANCE)
    stranger = await make_user(session, await make_partner(session), Role.SALES)

    wrong_role = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(finance), "customerIds": [cid(customer)]}},
        token=admin,
    )
    foreign = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(stranger), "customerIds": [cid(customer)]}},
        token=admin,
    )

    assert wrong_role["data"]["assignAccountManager"] == {
        "manager": None,
        "results": [],
        "userErrors": [
            {
                "code": "INVALID_ACCOUNT_MANAGER",
                "field": ["input", "managerId"],
                "message": "A FINANCE user cannot manage customers; choose a SALES or ADMIN user.",
            }
        ],
    }
    assert foreign["data"]["assignAccountManager"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_deactivated_user_cannot_become_a_manager(client, session, frozen_clock):
    partner = await make_partner(session)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    customer = await make_customer(session, partner)
    gone = await make_user(session, partner, Role.SALES, deactivated_at=frozen_clock.now())

    body = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(gone), "customerIds": [cid(customer)]}},
        token=admin,
    )

    [error] = body["data"]["assignAccountManager"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_ACCOUNT_MANAGER", ["input", "managerId"])
    row = await reread(session, Customer, customer.id)
    assert row.account_manager_id is None


async def test_one_to_a_hundred_customers_per_call(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)

    empty = await gql(
        client, ASSIGN, {"input": {"managerId": uid(admin), "customerIds": []}}, token=token
    )
    too_many = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(admin), "customerIds": ["x"] * 101}},
        token=token,
    )

    for body in (empty, too_many):
        assert body["data"]["assignAccountManager"]["userErrors"] == [
            {
                "code": "INVALID_INPUT",
                "field": ["input", "customerIds"],
                "message": body["data"]["assignAccountManager"]["userErrors"][0]["message"],
            }
        ]


async def test_a_hundred_customers_at_once(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customers = [await make_customer(session, partner) for _ in range(100)]

    body = await gql(
        client,
        ASSIGN,
        {"input": {"managerId": uid(admin), "customerIds": [cid(c) for c in customers]}},
        token=await token_for(session, admin),
    )

    assert body["data"]["assignAccountManager"]["userErrors"] == []
    assert len(body["data"]["assignAccountManager"]["results"]) == 100


async def test_only_admin_assigns(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    sales = await make_user(session, partner, Role.SALES)
    tokens = [
        await token_for(session, sales),
        await token_for(session, await make_user(session, partner, Role.FINANCE)),
        await token_for(session, await make_user(session, partner, Role.VIEWER)),
        await customer_token(session, customer),
        await platform_token(session),
    ]
    for token in tokens:
        assign = await gql(
            client,
            ASSIGN,
            {"input": {"managerId": uid(sales), "customerIds": [cid(customer)]}},
            token=token,
        )
        unassign = await gql(client, UNASSIGN, {"ids": [cid(customer)]}, token=token)
        settings = await gql(client, SETTINGS, {"value": True}, token=token)
        for body in (assign, unassign, settings):
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
