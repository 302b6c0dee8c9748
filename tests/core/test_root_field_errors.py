"""An error in one field never turns the answer into a 500, and the unit of work ends cleanly.

graphql-core cancels the sibling resolvers of a field whose error nulls their parent, and a
client that goes away cancels the whole request. The request's session must come out of
either consistent: the client gets the real error (FORBIDDEN, BAD_USER_INPUT) and the data
the schema lets survive, the next request on the same connection works, and a mutation's
writes are committed exactly when the answer reports them (`data` present), see
`app/http/endpoint.py` `commits`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, select

from app.models import Customer
from app.models.partners.enums import Role
from tests.factories import (
    global_id,
    gql,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)

CUSTOMERS = "customers(first: 50) { nodes { id name accountManager { name } "
CUSTOMERS += "account { balance { amount } } resources(first: 5) { nodes { id } } } }"

# LIST stands for CUSTOMERS, the healthy sibling with loaders of its own
SIBLING_QUERIES = {
    "forbidden root beside a list": "{ notifications(first: 5) { nodes { id } } LIST }",
    "bad cursor beside a list": '{ a: customers(first: 5, after: "x") { nodes { id } } LIST }',
    "first 0 beside a list": "{ a: customers(first: 0) { nodes { id } } LIST }",
    "bad cursor in a nested list beside loaders": (
        "{ a: customers(first: 10) { nodes { accountManager { name } account { balance "
        '{ amount } } resources(first: 5, after: "x") { nodes { id } } } } LIST }'
    ),
    "forbidden root after a list": "{ LIST notifications(first: 5) { nodes { id } } }",
}
EXPECTED_CODE = {
    "forbidden root beside a list": "FORBIDDEN",
    "forbidden root after a list": "FORBIDDEN",
}
# `first: 0` may also be refused before execution (a request error: 400 and no `data`)
REFUSED_BEFORE_EXECUTION_ALLOWED = {"first 0 beside a list"}

NULLABLE_SIBLINGS = """
query ($id: ID!) {
  broken: customer(id: $id) {
    name
    accountManager { name }
    account { balance { amount } }
    resources(first: 5, after: "not-a-cursor") { nodes { id } }
  }
  same: customer(id: $id) { name accountManager { name } account { balance { amount } } }
  customers(first: 50) { nodes { id accountManager { name } } }
}
"""

UPDATE = """
mutation ($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { id remark } userErrors { code } }
}
"""

UPDATE_FREEZE_UPDATE = """
mutation ($a: UpdateCustomerInput!, $f: FreezeCustomerInput!, $b: UpdateCustomerInput!) {
  a: updateCustomer(input: $a) { customer { remark } userErrors { code } }
  f: freezeCustomer(input: $f) { userErrors { code } }
  b: updateCustomer(input: $b) { customer { remark } userErrors { code } }
}
"""

UPDATE_WITH_BROKEN_PAYLOAD = """
mutation ($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer {
      remark
      accountManager { name }
      resources(first: 5, after: "not-a-cursor") { nodes { id } }
    }
    userErrors { code }
  }
}
"""


async def _tenant(session: Any, customers: int = 4) -> dict[str, Any]:
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    viewer = await make_user(session, partner, Role.VIEWER)
    sales = await make_user(session, partner, Role.SALES)
    rows = []
    for _ in range(customers):
        customer = await make_customer(session, partner, manager=sales)
        await make_resource(session, customer)
        rows.append(customer)
    return {
        "admin": await token_for(session, admin),
        "viewer": await token_for(session, viewer),
        "customers": rows,
        "manager": sales.name,
    }


async def _still_works(client: Any, token: str, count: int) -> None:
    body = await gql(client, "{ " + CUSTOMERS + " }", token=token)
    assert "errors" not in body
    assert len(body["data"]["customers"]["nodes"]) == count


async def _remark(session: Any, customer: Customer) -> str:
    return await session.scalar(select(Customer.remark).where(Customer.id == customer.id))


@pytest.mark.parametrize("variant", sorted(SIBLING_QUERIES))
async def test_an_error_beside_other_root_fields_is_the_real_error(client, session, variant):
    # given
    tenant = await _tenant(session)

    # when
    response = await client.post(
        "/graphql",
        json={"query": SIBLING_QUERIES[variant].replace("LIST", CUSTOMERS)},
        headers={"Authorization": f"Bearer {tenant['viewer']}"},
    )

    # then: the client's error, never a masked one; non-null root fields null `data`
    body = response.json()
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {EXPECTED_CODE.get(variant, "BAD_USER_INPUT")}
    if variant in REFUSED_BEFORE_EXECUTION_ALLOWED and "data" not in body:
        # a request error, refused before execution: 200 for application/json clients
        assert response.status_code in (200, 400)
    else:
        assert response.status_code == 200
        assert body["data"] is None
    await _still_works(client, tenant["viewer"], 4)


async def test_a_nullable_root_field_fails_alone_and_its_siblings_keep_their_data(client, session):
    # given: two aliases load the same customer, manager and account through one loader
    # batch; the first fails (a bad cursor) while the loads of its siblings are in flight
    tenant = await _tenant(session)
    customer = tenant["customers"][0]

    # when
    body = await gql(
        client,
        NULLABLE_SIBLINGS,
        {"id": global_id("Customer", customer.id)},
        token=tenant["viewer"],
    )

    # then: the broken alias is null with BAD_USER_INPUT, the other one and the list are whole
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"][0] == "broken"
    data = body["data"]
    assert data["broken"] is None
    assert data["same"]["name"] == customer.name
    assert data["same"]["accountManager"] == {"name": tenant["manager"]}
    assert data["same"]["account"]["balance"]["amount"] is not None
    assert len(data["customers"]["nodes"]) == 4
    assert all(
        n["accountManager"] == {"name": tenant["manager"]} for n in data["customers"]["nodes"]
    )
    await _still_works(client, tenant["viewer"], 4)


async def test_a_failed_mutation_rolls_back_the_request_whose_data_it_nulls(client, session):
    # given: ADMIN may update a customer but not freeze it (the platform freezes)
    tenant = await _tenant(session, customers=1)
    customer = tenant["customers"][0]
    cid = global_id("Customer", customer.id)

    # when
    body = await gql(
        client,
        UPDATE_FREEZE_UPDATE,
        {
            "a": {"id": cid, "remark": "first"},
            "f": {"id": cid, "reason": "x"},
            "b": {"id": cid, "remark": "second"},
        },
        token=tenant["admin"],
    )

    # then: FORBIDDEN nulls `data`, so the client saw no result: nothing of the request is
    # kept (the first update is rolled back, the one after the refusal never ran)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["f"]
    assert body["data"] is None
    assert await _remark(session, customer) == ""
    # and the next mutation on the same connection commits
    after = await gql(
        client, UPDATE, {"input": {"id": cid, "remark": "third"}}, token=tenant["admin"]
    )
    assert after["data"]["updateCustomer"]["customer"]["remark"] == "third"
    assert await _remark(session, customer) == "third"


async def test_an_error_in_a_mutation_payload_keeps_the_reported_write(client, session):
    # given
    tenant = await _tenant(session, customers=1)
    customer = tenant["customers"][0]
    cid = global_id("Customer", customer.id)

    # when: the payload's nullable `customer` fails (a bad cursor) beside a loader in flight
    body = await gql(
        client,
        UPDATE_WITH_BROKEN_PAYLOAD,
        {"input": {"id": cid, "remark": "kept"}},
        token=tenant["admin"],
    )

    # then: the mutation is reported (data present, no userErrors), so its write is committed
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["data"]["updateCustomer"] == {"customer": None, "userErrors": []}
    assert await _remark(session, customer) == "kept"
    await _still_works(client, tenant["viewer"], 1)


class _CancelOnStatement:
    """Cancels `task` as soon as a statement containing `marker` is sent to the database,
    so the cancellation lands while that statement is in flight."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.task: asyncio.Task[Any] | None = None
        self.fired = False
        self.loop = asyncio.get_running_loop()

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.task is not None and not self.fired and self.marker in statement:
            self.fired = True
            self.loop.call_soon(self.task.cancel)


async def _cancelled(database: Any, marker: str, request: Any) -> _CancelOnStatement:
    hook = _CancelOnStatement(marker)
    event.listen(database.engine.sync_engine, "before_cursor_execute", hook)
    try:
        hook.task = asyncio.ensure_future(request)
        with pytest.raises(asyncio.CancelledError):
            await hook.task
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", hook)
    return hook


@pytest.mark.parametrize("marker", ["FROM customers", "FROM resources", "FROM partner_users"])
async def test_a_request_cancelled_mid_statement_leaves_the_connection_usable(
    client, session, database, marker
):
    # given
    tenant = await _tenant(session)

    # when: the client goes away while one of the query's statements is in flight
    hook = await _cancelled(
        database, marker, gql(client, "{ " + CUSTOMERS + " }", token=tenant["viewer"])
    )

    # then
    assert hook.fired
    await _still_works(client, tenant["viewer"], 4)


async def test_a_mutation_cancelled_mid_statement_changes_nothing(client, session, database):
    # given
    tenant = await _tenant(session, customers=1)
    customer = tenant["customers"][0]
    cid = global_id("Customer", customer.id)

    # when: the client goes away while the update is being written
    hook = await _cancelled(
        database,
        "UPDATE customers",
        gql(client, UPDATE, {"input": {"id": cid, "remark": "lost"}}, token=tenant["admin"]),
    )

    # then: the unit of work rolled back, and the next mutation commits
    assert hook.fired
    assert await _remark(session, customer) == ""
    after = await gql(
        client, UPDATE, {"input": {"id": cid, "remark": "kept"}}, token=tenant["admin"]
    )
    assert after["data"]["updateCustomer"]["userErrors"] == []
    assert await _remark(session, customer) == "kept"
