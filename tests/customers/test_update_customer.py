"""updateCustomer: labels and remark, with every rule it enforces."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, Customer
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.rows import reread

UPDATE_CUSTOMER = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id labels remark }
    userErrors { code field message }
  }
}
"""


async def test_update_labels_and_remark(client, session):
    # given
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customer = await make_customer(session, partner)
    token = await token_for(session, admin)
    cid = global_id("Customer", customer.id)

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": cid, "labels": [" 重点客户 ", "华东"], "remark": "renewal in Q3"}},
        token=token,
    )

    # then
    payload = body["data"]["updateCustomer"]
    assert payload["userErrors"] == []
    assert payload["customer"] == {
        "id": cid,
        "labels": ["重点客户", "华东"],
        "remark": "renewal in Q3",
    }
    event = await session.scalar(select(AuditEvent).where(AuditEvent.object_id == customer.id))
    assert event is not None
    assert event.action == "customer.update"
    assert event.before == {"labels": [], "remark": ""}
    assert event.after["labels"] == ["重点客户", "华东"]
    assert event.actor_user_id == admin.id
    assert event.request_id


async def test_invalid_labels_change_nothing(client, session):
    # given
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customer = await make_customer(session, partner, labels=["keep"])
    token = await token_for(session, admin)

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {
            "input": {
                "id": global_id("Customer", customer.id),
                "labels": ["ok", "", "ok", "x" * 33],
                "remark": "y" * 501,
            }
        },
        token=token,
    )

    # then
    payload = body["data"]["updateCustomer"]
    assert payload["customer"] is None
    assert {(e["code"], tuple(e["field"])) for e in payload["userErrors"]} == {
        ("INVALID_INPUT", ("input", "labels", "1")),
        ("INVALID_INPUT", ("input", "labels", "2")),
        ("INVALID_INPUT", ("input", "labels", "3")),
        ("INVALID_INPUT", ("input", "remark")),
    }
    await session.refresh(customer)
    assert customer.labels == ["keep"]
    assert (
        await session.scalar(select(AuditEvent).where(AuditEvent.object_id == customer.id))
    ) is None


async def test_too_many_labels(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customer = await make_customer(session, partner)
    token = await token_for(session, admin)

    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {
            "input": {
                "id": global_id("Customer", customer.id),
                "labels": [f"l{i}" for i in range(21)],
            }
        },
        token=token,
    )

    errors = body["data"]["updateCustomer"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["input", "labels"])]


async def test_nothing_to_update(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customer = await make_customer(session, partner)
    token = await token_for(session, admin)

    body = await gql(
        client, UPDATE_CUSTOMER, {"input": {"id": global_id("Customer", customer.id)}}, token=token
    )

    errors = body["data"]["updateCustomer"]["userErrors"]
    assert [e["code"] for e in errors] == ["INVALID_INPUT"]


async def test_another_partners_customer_is_not_found(client, session):
    # given
    mine = await make_partner(session)
    theirs = await make_partner(session)
    admin = await make_user(session, mine, Role.ADMIN)
    foreign = await make_customer(session, theirs, labels=["theirs"])
    token = await token_for(session, admin)

    # when
    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", foreign.id), "labels": ["mine"]}},
        token=token,
    )

    # then
    payload = body["data"]["updateCustomer"]
    assert payload == {
        "customer": None,
        "userErrors": [
            {"code": "NOT_FOUND", "field": ["input", "id"], "message": "No such customer."}
        ],
    }
    await session.refresh(foreign)
    assert foreign.labels == ["theirs"]


async def test_malformed_and_wrong_type_ids_are_not_found(client, session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    token = await token_for(session, admin)

    for bad_id in ["garbage", global_id("PartnerUser", admin.id), global_id("Customer", 10**12)]:
        body = await gql(
            client, UPDATE_CUSTOMER, {"input": {"id": bad_id, "remark": "x"}}, token=token
        )
        assert body["data"]["updateCustomer"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_sales_updates_only_managed_customers(client, session):
    # given
    partner = await make_partner(session)
    sales = await make_user(session, partner, Role.SALES)
    managed = await make_customer(session, partner, manager=sales)
    other = await make_customer(session, partner)
    token = await token_for(session, sales)

    # when
    ok = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", managed.id), "remark": "mine"}},
        token=token,
    )
    refused = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", other.id), "remark": "not mine"}},
        token=token,
    )

    # then
    assert ok["data"]["updateCustomer"]["customer"]["remark"] == "mine"
    assert refused["data"]["updateCustomer"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_roles_without_the_right_get_forbidden(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    for role in (Role.FINANCE, Role.VIEWER):
        user = await make_user(session, partner, role)
        token = await token_for(session, user)

        body = await gql(
            client,
            UPDATE_CUSTOMER,
            {"input": {"id": global_id("Customer", customer.id), "remark": "x"}},
            token=token,
        )

        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["path"] == ["updateCustomer"]


async def test_customer_principal_is_forbidden(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    token = await customer_token(session, customer)

    body = await gql(
        client,
        UPDATE_CUSTOMER,
        {"input": {"id": global_id("Customer", customer.id), "remark": "x"}},
        token=token,
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stored = await reread(session, Customer, customer.id)
    assert stored is not None and stored.remark == ""
