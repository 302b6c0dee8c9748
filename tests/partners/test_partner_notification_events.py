"""The domains notify the partner in the transaction of the event: customers answering
authorizations and association changes, accepting invitations, filing disassociation
requests; the platform reviewing registrations; the jobs lapsing and auto-approving."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.models import PartnerNotification
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AuthorizationStatus, RegistrationStatus
from app.models.partners.enums import Role
from app.services.core.context import ServiceContext
from app.services.core.jobs import load_registry
from app.services.core.principal import Principal
from app.services.funds import credit
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    platform_token,
    token_for,
)
from tests.funds.helpers import platform
from tests.lifecycle.authorization_helpers import APPROVE, REJECT
from tests.lifecycle.factories import (
    make_authorization,
    make_change_request,
    make_disassociation_request,
    make_invitation,
    make_registration,
)
from tests.partners.notification_helpers import kinds, notifications

ANSWER_CHANGE = """
mutation($id: ID!) {
  confirm: confirmAssociationChange(input: {id: $id}) { userErrors { code } }
}
"""
DECLINE_CHANGE = """
mutation($id: ID!) {
  declineAssociationChange(input: {id: $id, reason: "not now"}) { userErrors { code } }
}
"""
REVOKE = """
mutation($id: ID!) { revokeAuthorization(input: {id: $id}) { userErrors { code } } }
"""
FILE = """
mutation($id: ID!) {
  fileDisassociationRequest(input: {customerId: $id, reason: "going direct"}) {
    userErrors { code }
  }
}
"""
REVIEW = """
mutation($a: ID!, $r: ID!) {
  approveRegistration(input: {id: $a}) { userErrors { code } }
  rejectRegistration(input: {id: $r, reason: "overlaps direct sales"}) { userErrors { code } }
}
"""
ACCEPT = """
mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customer { id } userErrors { code } }
}
"""


async def _admin(session, partner):
    return await token_for(session, await make_user(session, partner, Role.ADMIN))


async def _run(session, name: str) -> None:
    ctx = ServiceContext(session, Principal.system(), request_id=f"job:{name}")
    await load_registry()[name].run(ctx)
    await session.flush()


async def test_a_customer_answering_authorizations_notifies_its_partner(client, session):
    # given two pending requests and an active grant of one customer
    partner = await make_partner(session)
    customer = await make_customer(session, partner, name="云帆科技有限公司")
    pending = AuthorizationStatus.PENDING
    approved = await make_authorization(session, customer, status=pending)
    rejected = await make_authorization(session, customer, status=pending)
    token = await customer_token(session, customer)

    # when the customer approves one, rejects one and revokes the approved one
    await gql(client, APPROVE, {"id": global_id("Authorization", approved.id)}, token=token)
    await gql(client, REJECT, {"id": global_id("Authorization", rejected.id)}, token=token)
    await gql(client, REVOKE, {"id": global_id("Authorization", approved.id)}, token=token)

    # then the partner reads three notifications about the customer, newest first
    data = await notifications(client, await _admin(session, partner), first=10)
    nodes = data["partnerNotifications"]["nodes"]
    assert [n["kind"] for n in nodes] == [
        "AUTHORIZATION_REVOKED",
        "AUTHORIZATION_REJECTED",
        "AUTHORIZATION_APPROVED",
    ]
    assert {n["customer"]["id"] for n in nodes} == {global_id("Customer", customer.id)}
    assert nodes[1]["subjectId"] == global_id("Authorization", rejected.id)
    assert nodes[1]["message"] == "云帆科技有限公司 rejected your authorization request: no"
    assert nodes[1]["details"] == {"customerName": "云帆科技有限公司", "reason": "no"}
    assert data["partnerNotificationUnreadCount"] == 3


async def test_the_partner_revoking_its_own_grant_is_not_news_to_it(client, session):
    partner = await make_partner(session)
    customer = await make_customer(session, partner)
    grant = await make_authorization(session, customer)
    admin = await _admin(session, partner)

    body = await gql(client, REVOKE, {"id": global_id("Authorization", grant.id)}, token=admin)

    assert body["data"]["revokeAuthorization"]["userErrors"] == []
    assert await kinds(client, admin) == []


async def test_a_refused_answer_notifies_nobody(client, session):
    # given a REFERRAL customer, who cannot grant authorizations
    partner = await make_partner(session)
    customer = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    request = await make_authorization(session, customer, status=AuthorizationStatus.PENDING)

    body = await gql(
        client,
        APPROVE,
        {"id": global_id("Authorization", request.id)},
        token=await customer_token(session, customer),
    )

    assert body["data"]["approveAuthorization"]["userErrors"][0]["code"] == "REFERRAL_MODE"
    rows = await session.scalars(
        select(PartnerNotification).where(PartnerNotification.partner_id == partner.id)
    )
    assert rows.all() == []


async def test_association_change_answers_and_customer_requests(client, session):
    partner = await make_partner(session)
    leaving = await make_customer(session, partner)
    staying = await make_customer(session, partner)
    confirm = await make_change_request(session, leaving)
    decline = await make_change_request(session, staying)
    filer = await make_customer(session, partner)

    await gql(
        client,
        ANSWER_CHANGE,
        {"id": global_id("AssociationChangeRequest", confirm.id)},
        token=await customer_token(session, leaving),
    )
    await gql(
        client,
        DECLINE_CHANGE,
        {"id": global_id("AssociationChangeRequest", decline.id)},
        token=await customer_token(session, staying),
    )
    filed = await gql(
        client,
        FILE,
        {"id": global_id("Customer", filer.id)},
        token=await customer_token(session, filer),
    )
    assert filed["data"]["fileDisassociationRequest"]["userErrors"] == []

    data = await notifications(client, await _admin(session, partner), first=10)
    nodes = data["partnerNotifications"]["nodes"]
    assert [n["kind"] for n in nodes] == [
        "DISASSOCIATION_REQUESTED",
        "ASSOCIATION_CHANGE_DECLINED",
        "ASSOCIATION_CHANGE_CONFIRMED",
    ]
    assert nodes[0]["details"]["reason"] == "going direct"
    assert nodes[1]["details"]["change"] == "disassociation"


async def test_platform_reviews_and_the_registration_lapse(client, session, frozen_clock):
    partner = await make_partner(session)
    to_approve = await make_registration(session, partner, company_name="Approve Me Co")
    to_reject = await make_registration(session, partner, company_name="Reject Me Co")
    await make_registration(
        session,
        partner,
        company_name="Lapsing Co",
        status=RegistrationStatus.APPROVED,
        expires_at=frozen_clock.now() - timedelta(minutes=1),
    )

    body = await gql(
        client,
        REVIEW,
        {
            "a": global_id("Registration", to_approve.id),
            "r": global_id("Registration", to_reject.id),
        },
        token=await platform_token(session),
    )
    assert body["data"]["approveRegistration"]["userErrors"] == [], body
    await _run(session, "registrations.expire")

    nodes = (await notifications(client, await _admin(session, partner), first=10))[
        "partnerNotifications"
    ]["nodes"]
    by_kind = {n["kind"]: n for n in nodes}
    assert set(by_kind) == {
        "REGISTRATION_APPROVED",
        "REGISTRATION_REJECTED",
        "REGISTRATION_EXPIRED",
    }
    assert by_kind["REGISTRATION_REJECTED"]["details"]["reason"] == "overlaps direct sales"
    assert by_kind["REGISTRATION_EXPIRED"]["details"] == {"companyName": "Lapsing Co"}
    assert by_kind["REGISTRATION_APPROVED"]["customer"] is None


async def test_an_accepted_invitation_notifies_the_inviting_partner(client, session):
    partner = await make_partner(session)
    _invitation, raw = await make_invitation(session, partner)
    account = {
        "accountName": "notify_me",
        "contactName": "李四",
        "contactPhone": "13800001111",
        "contactEmail": "li@notify.test",
    }

    body = await gql(
        client,
        ACCEPT,
        {"input": {"token": raw, "newAccount": account}},
        token=await platform_token(session),
    )

    customer_id = body["data"]["acceptInvitation"]["customer"]["id"]
    nodes = (await notifications(client, await _admin(session, partner)))["partnerNotifications"][
        "nodes"
    ]
    assert [(n["kind"], n["customer"]["id"]) for n in nodes] == [
        ("INVITATION_ACCEPTED", customer_id)
    ]


async def test_the_auto_approval_job_notifies_approved_and_blocked(client, session, frozen_clock):
    # given two overdue customer requests, one of a customer in arrears (blocked)
    partner = await make_partner(session)
    free = await make_customer(session, partner)
    owing = await make_customer(session, partner)
    await credit.charge(platform(session), owing, Decimal("10.00"), reference="test:owing")
    filed = frozen_clock.now() - timedelta(days=16)
    await make_disassociation_request(session, free, filed_at=filed)
    await make_disassociation_request(session, owing, filed_at=filed)

    # when the job runs twice
    await _run(session, "disassociation_requests.auto_approve")
    await _run(session, "disassociation_requests.auto_approve")

    # then one approval and one block (told once)
    rows = (
        await session.scalars(
            select(PartnerNotification)
            .where(PartnerNotification.partner_id == partner.id)
            .order_by(PartnerNotification.id)
        )
    ).all()
    assert [(r.kind.value, r.customer_id) for r in rows] == [
        ("DISASSOCIATION_AUTO_APPROVED", free.id),
        ("DISASSOCIATION_AUTO_APPROVAL_BLOCKED", owing.id),
    ]
    assert rows[1].payload["blockedBy"] == ["ARREARS"]
