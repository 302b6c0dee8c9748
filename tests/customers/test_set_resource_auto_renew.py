"""`setResourceAutoRenew`: a partner operating a customer's resource under its OPERATIONS grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app import clock
from app.models import AuditEvent, Customer, Partner, PartnerUser, Resource
from app.models.customers.enums import AssociationType, BillingMode, ResourceStatus
from app.models.lifecycle.enums import AuthorizationStatus
from app.models.partners.enums import Role
from tests.customers.resource_status_helpers import put_in_arrears
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import make_authorization

SET_AUTO_RENEW = """
mutation Set($input: SetResourceAutoRenewInput!) {
  setResourceAutoRenew(input: $input) {
    resource { id autoRenew status expiresAt }
    userErrors { code field message }
  }
}
"""


@dataclass
class Shop:
    partner: Partner
    admin: str
    sales_user: PartnerUser
    sales: str
    customer: Customer  # managed by `sales_user`, granted OPERATIONS
    resource: Resource  # a running yearly/monthly resource of it


@pytest.fixture
async def shop(session) -> Shop:
    partner = await make_partner(session)
    admin = await token_for(session, await make_user(session, partner, Role.ADMIN))
    sales_user = await make_user(session, partner, Role.SALES)
    customer = await make_customer(session, partner, manager=sales_user)
    await make_authorization(session, customer, proxy_order=False, operations=True)
    resource = await make_resource(session, customer, auto_renew=False)
    return Shop(
        partner, admin, sales_user, await token_for(session, sales_user), customer, resource
    )


async def call(client, token, resource_id: str, auto_renew: bool = True) -> dict[str, Any]:
    body = await gql(
        client,
        SET_AUTO_RENEW,
        {"input": {"resourceId": resource_id, "autoRenew": auto_renew}},
        token=token,
    )
    return body


async def set_auto_renew(client, token, resource, auto_renew: bool = True) -> dict[str, Any]:
    body = await call(client, token, global_id("Resource", resource.id), auto_renew)
    assert "errors" not in body, body
    return body["data"]["setResourceAutoRenew"]


def codes(payload) -> list[tuple[str, list | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def stored_auto_renew(session, resource) -> bool:
    return await session.scalar(select(Resource.auto_renew).where(Resource.id == resource.id))


async def events_of(session, resource) -> list[AuditEvent]:
    return list(
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "resource.set_auto_renew",
                AuditEvent.object_id == resource.id,
            )
        )
    )


# --- success ------------------------------------------------------------------------------


async def test_admin_turns_auto_renew_on_and_off_audited(client, session, shop):
    # when
    on = await set_auto_renew(client, shop.admin, shop.resource, True)
    off = await set_auto_renew(client, shop.admin, shop.resource, False)

    # then
    assert on == {
        "resource": {
            "id": global_id("Resource", shop.resource.id),
            "autoRenew": True,
            "status": "ACTIVE",
            "expiresAt": iso(shop.resource.expires_at),
        },
        "userErrors": [],
    }
    assert off["resource"]["autoRenew"] is False and off["userErrors"] == []
    assert await stored_auto_renew(session, shop.resource) is False
    events = await events_of(session, shop.resource)
    assert [(e.before, e.after) for e in events] == [
        ({"autoRenew": False, "status": "ACTIVE"}, {"autoRenew": True, "status": "ACTIVE"}),
        ({"autoRenew": True, "status": "ACTIVE"}, {"autoRenew": False, "status": "ACTIVE"}),
    ]
    assert all(e.partner_id == shop.partner.id for e in events)


async def test_setting_the_value_it_has_is_a_success(client, session, shop):
    await set_auto_renew(client, shop.admin, shop.resource, True)

    again = await set_auto_renew(client, shop.admin, shop.resource, True)

    assert again["userErrors"] == [] and again["resource"]["autoRenew"] is True
    assert len(await events_of(session, shop.resource)) == 2


async def test_sales_sets_it_for_a_customer_it_manages(client, session, shop):
    payload = await set_auto_renew(client, shop.sales, shop.resource, True)

    assert payload["userErrors"] == [] and payload["resource"]["autoRenew"] is True


async def test_a_resource_in_its_grace_period_may_still_be_set(client, session, shop):
    # given: its term ended yesterday (stored ACTIVE: the job has not run)
    graced = await make_resource(session, shop.customer, expires_at=clock.now() - timedelta(days=1))

    payload = await set_auto_renew(client, shop.admin, graced, True)

    assert payload["userErrors"] == []
    assert payload["resource"]["status"] == "GRACE_PERIOD"
    assert payload["resource"]["autoRenew"] is True


# --- the grant ----------------------------------------------------------------------------


GRANTS = {
    "none": [],
    "pending": [dict(operations=True, status=AuthorizationStatus.PENDING)],
    "PROXY_ORDER": [dict(proxy_order=True, operations=False)],
    "OPERATIONS": [dict(proxy_order=False, operations=True)],
    "both": [dict(proxy_order=True, operations=True)],
    "expired": [dict(operations=True, ends_at="past")],
    "revoked": [dict(operations=True, status=AuthorizationStatus.REVOKED)],
    "rejected": [dict(operations=True, status=AuthorizationStatus.REJECTED)],
}


@pytest.mark.parametrize("held", sorted(GRANTS))
async def test_only_an_active_operations_grant_allows_it(client, session, shop, held):
    # given a customer holding `held`
    customer = await make_customer(session, shop.partner)
    for values in GRANTS[held]:
        values = dict(values)
        if values.get("ends_at") == "past":
            values["ends_at"] = clock.now() - timedelta(minutes=1)
        await make_authorization(session, customer, **values)
    resource = await make_resource(session, customer)

    # when
    payload = await set_auto_renew(client, shop.admin, resource, True)

    # then
    if held in ("OPERATIONS", "both"):
        assert payload["userErrors"] == []
        assert await stored_auto_renew(session, resource) is True
    else:
        assert codes(payload) == [("AUTHORIZATION_REQUIRED", ["input", "resourceId"])]
        assert "OPERATIONS" in payload["userErrors"][0]["message"]
        assert payload["resource"] is None
        assert await stored_auto_renew(session, resource) is False
        assert await events_of(session, resource) == []


async def test_a_grant_that_ends_while_in_use_stops_allowing_it(
    client, session, shop, frozen_clock
):
    customer = await make_customer(session, shop.partner)
    await make_authorization(
        session, customer, operations=True, ends_at=frozen_clock.now() + timedelta(hours=1)
    )
    resource = await make_resource(session, customer)
    assert (await set_auto_renew(client, shop.admin, resource, True))["userErrors"] == []

    frozen_clock.advance(timedelta(hours=1))
    payload = await set_auto_renew(client, shop.admin, resource, False)

    assert codes(payload) == [("AUTHORIZATION_REQUIRED", ["input", "resourceId"])]
    assert await stored_auto_renew(session, resource) is True


# --- whose resource -----------------------------------------------------------------------


async def test_another_partners_resource_answers_like_a_missing_one(client, session, shop):
    # given a resource of another partner's customer, granted OPERATIONS there
    other = await make_partner(session)
    foreign_customer = await make_customer(session, other)
    await make_authorization(session, foreign_customer, operations=True)
    foreign = await make_resource(session, foreign_customer)
    missing = global_id("Resource", foreign.id + 10_000)

    # when
    theirs = await call(client, shop.admin, global_id("Resource", foreign.id))
    nothing = await call(client, shop.admin, missing)
    malformed = await call(client, shop.admin, "not-an-id")
    wrong_type = await call(client, shop.admin, global_id("Customer", shop.customer.id))

    # then: the same answer, word for word
    answers = [b["data"]["setResourceAutoRenew"] for b in (theirs, nothing, malformed, wrong_type)]
    assert all(a == answers[0] for a in answers), answers
    assert codes(answers[0]) == [("NOT_FOUND", ["input", "resourceId"])]
    assert await stored_auto_renew(session, foreign) is False


async def test_sales_does_not_find_a_customer_it_does_not_manage(client, session, shop):
    other_sales = await make_user(session, shop.partner, Role.SALES)
    customer = await make_customer(session, shop.partner, manager=other_sales)
    await make_authorization(session, customer, operations=True)
    resource = await make_resource(session, customer)

    payload = await set_auto_renew(client, shop.sales, resource, True)

    assert codes(payload) == [("NOT_FOUND", ["input", "resourceId"])]
    assert await stored_auto_renew(session, resource) is False


async def test_sales_seeing_all_customers_still_acts_only_for_managed_ones(client, session, shop):
    # given: the partner lets SALES see every customer; this one has no manager
    await session.execute(
        update(Partner).where(Partner.id == shop.partner.id).values(sales_see_all_customers=True)
    )
    customer = await make_customer(session, shop.partner)
    await make_authorization(session, customer, operations=True)
    resource = await make_resource(session, customer)
    token = await token_for(session, shop.sales_user)

    # when
    body = await call(client, token, global_id("Resource", resource.id))

    # then: it sees the customer, so the refusal is a role failure
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["setResourceAutoRenew"]
    assert await stored_auto_renew(session, resource) is False


@pytest.mark.parametrize("principal", ["FINANCE", "VIEWER", "CUSTOMER", "PLATFORM"])
async def test_other_principals_are_forbidden(client, session, shop, principal):
    if principal == "PLATFORM":
        token = await platform_token(session)
    elif principal == "CUSTOMER":
        token = await customer_token(session, shop.customer)
    else:
        token = await token_for(session, await make_user(session, shop.partner, Role(principal)))

    body = await call(client, token, global_id("Resource", shop.resource.id))

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored_auto_renew(session, shop.resource) is False
    assert await events_of(session, shop.resource) == []


async def test_a_referral_customer_is_refused(client, session, shop):
    # given a REFERRAL customer (it can grant nothing; even a stray grant does not count)
    customer = await make_customer(session, shop.partner, association_type=AssociationType.REFERRAL)
    await make_authorization(session, customer, operations=True)
    resource = await make_resource(session, customer)

    payload = await set_auto_renew(client, shop.admin, resource, True)

    assert codes(payload) == [("REFERRAL_MODE", ["input", "resourceId"])]
    assert await stored_auto_renew(session, resource) is False


async def test_a_former_customers_resource_is_refused(client, session, shop):
    customer = await make_customer(session, shop.partner, ended_at=clock.now() - timedelta(days=1))
    await make_authorization(session, customer, operations=True)
    resource = await make_resource(session, customer)

    payload = await set_auto_renew(client, shop.admin, resource, True)

    assert codes(payload) == [("ASSOCIATION_ENDED", ["input", "resourceId"])]
    assert await stored_auto_renew(session, resource) is False


# --- what auto-renew means nothing for --------------------------------------------------------


@pytest.mark.parametrize("case", ["on_demand", "on_demand_frozen", "expired", "deleted"])
async def test_auto_renew_of_a_resource_without_a_term_to_renew_is_refused(
    client, session, shop, case
):
    # given
    values: dict[str, Any] = {
        "on_demand": {"billing_mode": BillingMode.ON_DEMAND, "expires_at": None},
        "on_demand_frozen": {"billing_mode": BillingMode.ON_DEMAND, "expires_at": None},
        # the grace period is over; stored ACTIVE (the job has not run): it reads EXPIRED
        "expired": {"expires_at": clock.now() - timedelta(days=15)},
        "deleted": {"status": ResourceStatus.DELETED},
    }[case]
    if case == "on_demand_frozen":
        await put_in_arrears(session, shop.customer, days=20)
    resource = await make_resource(session, shop.customer, **values)

    # when
    on = await set_auto_renew(client, shop.admin, resource, True)
    off = await set_auto_renew(client, shop.admin, resource, False)

    # then
    for payload in (on, off):
        assert codes(payload) == [("AUTO_RENEW_NOT_APPLICABLE", ["input", "resourceId"])]
        assert payload["resource"] is None
    assert await stored_auto_renew(session, resource) is False
    assert await events_of(session, resource) == []
