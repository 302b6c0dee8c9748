"""confirmAssociationChange / declineAssociationChange: the customer answers a partner request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AssociationChangeRequest, AuditEvent, Authorization, Customer
from app.models.customers.enums import AssociationType, CustomerStatus
from app.models.lifecycle.enums import (
    AssociationChangeKind,
    AssociationChangeStatus,
    AuthorizationStatus,
)
from app.models.partners.enums import Role
from app.services.core.jobs import run_due
from app.services.lifecycle import association_rules
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.lifecycle.association_change_helpers import DECLINE, rid
from tests.lifecycle.factories import make_authorization, make_change_request
from tests.rows import reread

CONFIRM = """
mutation Confirm($id: ID!) {
  confirmAssociationChange(input: {id: $id}) {
    request { id status answeredAt customer { id associationType endedAt accountManager { id } } }
    userErrors { code field message }
  }
}
"""


CUSTOMERS = """
query Customers($state: AssociationState) {
  customers(first: 10, filter: {associationState: $state}) { nodes { id endedAt } }
}
"""


CUSTOMER = "query One($id: ID!) { customer(id: $id) { id name endedAt } }"


REQUESTS = """
query Requests($filter: AssociationChangeRequestFilter) {
  associationChangeRequests(first: 10, filter: $filter) { nodes { id status kind } }
}
"""


@pytest.fixture
async def admin(session, partner):
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


@pytest.fixture
def hooks() -> Iterator[list[tuple[str, int, object]]]:
    calls: list[tuple[str, int, object]] = []

    async def ended(ctx, customer):
        calls.append(("ended", customer.id, customer.ended_at))

    async def switched(ctx, customer, previous):
        calls.append(("switched", customer.id, previous))

    association_rules.on_association_ended(ended)
    association_rules.on_association_type_switched(switched)
    yield calls
    association_rules.ENDED_HOOKS.remove(ended)
    association_rules.SWITCHED_HOOKS.remove(switched)


async def test_confirming_a_disassociation_ends_the_association(
    client, session, partner, admin, hooks, frozen_clock
):
    # given a managed customer with an active authorization and a pending request
    manager = await make_user(session, partner, Role.SALES)
    customer = await make_customer(session, partner, manager=manager)
    authorization = await make_authorization(session, customer)
    request = await make_change_request(session, customer)
    token = await customer_token(session, customer)

    # when the customer confirms
    body = await gql(client, CONFIRM, {"id": rid(request)}, token=token)

    # then the association ended, with its manager and authorizations
    payload = body["data"]["confirmAssociationChange"]
    assert payload["userErrors"] == []
    assert payload["request"]["status"] == "CONFIRMED"
    assert payload["request"]["customer"]["endedAt"] == iso(frozen_clock.now())
    assert payload["request"]["customer"]["accountManager"] is None
    stored = await reread(session, Authorization, authorization.id)
    assert stored.status is AuthorizationStatus.ENDED
    assert hooks == [("ended", customer.id, frozen_clock.now())]
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "association_change.confirm")
    )
    assert event.actor_customer_id == customer.cloud_account_id

    # and it left the partner's current list, yet stays readable as a former customer
    current = await gql(client, CUSTOMERS, {}, token=admin)
    former = await gql(client, CUSTOMERS, {"state": "FORMER"}, token=admin)
    everyone = await gql(client, CUSTOMERS, {"state": "ALL"}, token=admin)
    one = await gql(client, CUSTOMER, {"id": global_id("Customer", customer.id)}, token=admin)
    cid = global_id("Customer", customer.id)
    assert cid not in [n["id"] for n in current["data"]["customers"]["nodes"]]
    assert [n["id"] for n in former["data"]["customers"]["nodes"]] == [cid]
    assert cid in [n["id"] for n in everyone["data"]["customers"]["nodes"]]
    assert one["data"]["customer"]["endedAt"] == iso(frozen_clock.now())


async def test_confirming_a_switch_to_referral_changes_type_and_ends_authorizations(
    client, session, partner, hooks
):
    manager = await make_user(session, partner, Role.SALES)
    customer = await make_customer(session, partner, manager=manager)
    authorization = await make_authorization(session, customer)
    request = await make_change_request(
        session, customer, kind=AssociationChangeKind.TYPE_SWITCH, to_type=AssociationType.REFERRAL
    )

    body = await gql(
        client, CONFIRM, {"id": rid(request)}, token=await customer_token(session, customer)
    )

    changed = body["data"]["confirmAssociationChange"]["request"]["customer"]
    assert changed["associationType"] == "REFERRAL"
    assert changed["endedAt"] is None
    # the manager stays (a customer cannot see partner users, hence null in its view)
    assert changed["accountManager"] is None
    stored_customer = await reread(session, Customer, customer.id)
    assert stored_customer.account_manager_id == manager.id
    stored = await reread(session, Authorization, authorization.id)
    assert stored.status is AuthorizationStatus.ENDED
    assert hooks == [("switched", customer.id, AssociationType.RESELLER)]


async def test_preconditions_are_checked_again_on_confirmation(client, session, partner):
    # given a request made while everything was fine, then the platform froze the account
    customer = await make_customer(session, partner)
    request = await make_change_request(session, customer)
    customer.status = CustomerStatus.FROZEN
    await session.flush()

    body = await gql(
        client, CONFIRM, {"id": rid(request)}, token=await customer_token(session, customer)
    )

    payload = body["data"]["confirmAssociationChange"]
    assert [e["code"] for e in payload["userErrors"]] == ["CUSTOMER_FROZEN"]
    stored = await reread(session, AssociationChangeRequest, request.id)
    assert stored.status is AssociationChangeStatus.PENDING
    assert (await reread(session, Customer, customer.id)).ended_at is None


async def test_the_time_rules_do_not_block_confirmation(client, session, partner):
    # the request itself is "the one request in 3 months": confirming it is fine
    customer = await make_customer(session, partner)
    request = await make_change_request(session, customer)

    body = await gql(
        client, CONFIRM, {"id": rid(request)}, token=await customer_token(session, customer)
    )

    assert body["data"]["confirmAssociationChange"]["userErrors"] == []


@pytest.mark.parametrize(
    "status",
    [
        AssociationChangeStatus.CONFIRMED,
        AssociationChangeStatus.DECLINED,
        AssociationChangeStatus.EXPIRED,
    ],
)
async def test_answered_requests_cannot_be_answered_again(client, session, partner, status):
    customer = await make_customer(session, partner)
    request = await make_change_request(session, customer, status=status)
    token = await customer_token(session, customer)

    confirm = await gql(client, CONFIRM, {"id": rid(request)}, token=token)
    decline = await gql(client, DECLINE, {"id": rid(request)}, token=token)

    expected = "REQUEST_EXPIRED" if status is AssociationChangeStatus.EXPIRED else "INVALID_STATE"
    assert confirm["data"]["confirmAssociationChange"]["userErrors"][0]["code"] == expected
    assert decline["data"]["declineAssociationChange"]["userErrors"][0]["code"] == expected


async def test_an_unanswered_request_expires_on_read_and_by_the_job(
    db, client, session, partner, admin, frozen_clock
):
    customer = await make_customer(session, partner)
    request = await make_change_request(session, customer)
    token = await customer_token(session, customer)
    frozen_clock.advance(timedelta(days=15))

    confirm = await gql(client, CONFIRM, {"id": rid(request)}, token=token)
    listed = await gql(client, REQUESTS, {"filter": {"statuses": ["EXPIRED"]}}, token=admin)
    await session.commit()
    outcomes = {o.name: o for o in await run_due(db, force=True)}

    assert confirm["data"]["confirmAssociationChange"]["userErrors"][0]["code"] == (
        "REQUEST_EXPIRED"
    )
    assert [n["id"] for n in listed["data"]["associationChangeRequests"]["nodes"]] == [rid(request)]
    assert outcomes["association_changes.expire"].result == (
        "1 association change requests expired"
    )
    stored = await reread(session, AssociationChangeRequest, request.id)
    assert stored.status is AssociationChangeStatus.EXPIRED


async def test_only_the_customer_answers(client, session, partner, admin):
    customer = await make_customer(session, partner)
    request = await make_change_request(session, customer)
    stranger = await make_customer(session, await make_partner(session))

    by_admin = await gql(client, CONFIRM, {"id": rid(request)}, token=admin)
    by_stranger = await gql(
        client, CONFIRM, {"id": rid(request)}, token=await customer_token(session, stranger)
    )

    assert by_admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_stranger["data"]["confirmAssociationChange"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_requests_are_scoped(client, session, partner, admin):
    customer = await make_customer(session, partner)
    mine = await make_change_request(session, customer)
    other = await make_partner(session)
    theirs = await make_change_request(session, await make_customer(session, other))

    partner_view = await gql(client, REQUESTS, {}, token=admin)
    customer_view = await gql(client, REQUESTS, {}, token=await customer_token(session, customer))
    node = await gql(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": rid(theirs)}, token=admin
    )

    assert [n["id"] for n in partner_view["data"]["associationChangeRequests"]["nodes"]] == [
        rid(mine)
    ]
    assert [n["id"] for n in customer_view["data"]["associationChangeRequests"]["nodes"]] == [
        rid(mine)
    ]
    assert node["data"]["node"] is None
